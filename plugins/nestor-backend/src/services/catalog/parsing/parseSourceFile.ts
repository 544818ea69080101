import { SourceFileError } from '@nestor/plugin-nestor-common';
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { checkDocumentNodes, nestingBeyond, nestsDeeperThan } from './documentLimits';
import { hasAnchors, parseWithJsYaml } from './parseWithJsYaml';
import { countDocumentStarts, findNonText } from './textChecks';

/**
 * Limits that keep one hostile file from exhausting the backend
 * (`nestor.sync.limits`). @public
 */
export interface ParseLimits {
  /** default 1 MiB */
  maxFileBytes: number;
  /** default 1000 */
  maxDocuments: number;
  /** aliases resolved per document (alias bombs); default 100 */
  maxAliasCount: number;
  /** collections nested in one document; default 64 */
  maxDepth: number;
}

/** The limits of a sync that sets none. @public */
export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxFileBytes: 1024 * 1024, maxDocuments: 1000, maxAliasCount: 100, maxDepth: 64 };

/** One YAML document of a file, with where it starts. @public */
export interface ParsedDocument {
  /** 0-based position of the document in the file */
  index: number;
  /** 1-based line where the document's content starts */
  line: number;
  value: unknown;
  /** The 1-based line of a field (its key), or of its nearest existing parent. */
  lineOf(path: ReadonlyArray<string | number>): number;
}

/** The documents of a file that parsed, and one error per one that did not. @public */
export interface ParsedSourceFile {
  documents: ParsedDocument[];
  errors: SourceFileError[];
}

/**
 * Parses a multi-document YAML file (YAML 1.2 core schema). Each document is
 * parsed on its own, so a syntax error in one does not lose the others;
 * every error names the file, its line and the reason. Empty documents are
 * skipped.
 *
 * Well-formed files without anchors take a fast path (js-yaml); anything
 * else, and field lines for validation errors, come from the `yaml` package,
 * which is exact but about 15 times slower: a full sync of 10,000 files
 * spends most of its time here otherwise.
 *
 * Hostile files cost bounded time and memory ({@link ParseLimits}): a file
 * over `maxFileBytes`, a binary file (NUL bytes), one that is not UTF-8 (the
 * line and column of the first bad byte) or one with more document starts
 * than `maxDocuments` is refused before any parsing; then each document with
 * duplicate keys, collections nested deeper than `maxDepth` or aliases that
 * resolve to more than `maxAliasCount` nodes (alias bombs) is refused with
 * its line, and the others are kept.
 * @public
 */
export function parseSourceFile(path: string, content: Buffer | string, limits: Partial<ParseLimits> = {}): ParsedSourceFile {
  const { maxFileBytes, maxDocuments, maxAliasCount, maxDepth } = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxFileBytes) {
    return { documents: [], errors: [{ path, message: `file is ${size} bytes, more than the limit of ${maxFileBytes}` }] };
  }
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const nonText = findNonText(bytes);
  if (nonText) return { documents: [], errors: [{ path, line: nonText.position.line, message: nonText.message }] };
  // a byte order mark (which some editors write) is not content: with it, the fast path saw no document at all
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  // a file of very many tiny documents costs far more to parse than its size suggests: count them first
  const starts = countDocumentStarts(text, maxDocuments + 1);
  if (starts.count > maxDocuments) {
    return {
      documents: [],
      errors: [{ path, line: starts.line, message: `file has more than ${maxDocuments} documents (the limit); document ${maxDocuments + 1} starts here` }],
    };
  }

  const thorough = () => parseWithYaml(path, text, { maxDocuments, maxAliasCount, maxDepth });
  const fast = hasAnchors(text) ? undefined : parseWithJsYaml(text, { maxDocuments, fieldLines: thorough });
  if (!fast) return thorough();
  const deepDocument = fast.find(d => nestsDeeperThan(d.value, maxDepth));
  // the thorough parser names the line of the nesting
  return deepDocument ? thorough() : { documents: fast, errors: [] };
}

/** A stack overflow in the parser: only nesting far beyond any limit causes it. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError || /Maximum call stack size exceeded/.test(String((error as Error)?.message ?? error));
}

/**
 * The thorough parser (`yaml`): exact lines for every document, error and
 * field, duplicate keys and alias limits. About 15 times slower than
 * js-yaml, so it reads the files the fast path cannot (errors, anchors) and
 * gives field lines when a document fails validation.
 */
function parseWithYaml(
  path: string,
  text: string,
  limits: Pick<ParseLimits, 'maxDocuments' | 'maxAliasCount' | 'maxDepth'>,
): ParsedSourceFile {
  const { maxDocuments, maxAliasCount, maxDepth } = limits;
  const tooDeep = `collections nested deeper than the limit of ${maxDepth} levels`;
  const deep = nestingBeyond(text, maxDepth);
  if (deep) return { documents: [], errors: [{ path, line: deep.line, message: `YAML error: ${tooDeep}` }] };
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  // duplicate keys are found by checkDocumentNodes: the package's own check is quadratic in the keys of a mapping
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) return { documents: [], errors: [] };
  if (docs.length > maxDocuments) {
    return { documents: [], errors: [{ path, line: 1, message: `file has ${docs.length} documents, more than the limit of ${maxDocuments}` }] };
  }

  const documents: ParsedDocument[] = [];
  const errors: SourceFileError[] = [];
  docs.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineAt(start);
    if (doc.errors.length > 0) {
      // the first error is the cause; the ones after it mostly follow from it
      const [error] = doc.errors;
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
      const reason = isStackOverflow(error.message) ? tooDeep : `${firstLine(error.message)}${more}`;
      errors.push({
        path,
        line: error.linePos?.[0].line ?? lineAt(error.pos[0]),
        message: `YAML syntax error in document ${index + 1}: ${reason}`,
      });
      return;
    }
    const problem = checkDocumentNodes(doc, maxDepth);
    if (problem) {
      errors.push({ path, line: lineAt(problem.offset), message: `YAML error in document ${index + 1}: ${problem.message}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      const reason = isStackOverflow(error) ? tooDeep : (error as Error).message;
      errors.push({ path, line, message: `document ${index + 1} cannot be read: ${reason}` });
      return;
    }
    // aliases can nest what they point at deeper still
    if (nestsDeeperThan(value, maxDepth)) {
      errors.push({ path, line, message: `document ${index + 1} cannot be read: once its aliases are resolved, ${tooDeep}` });
      return;
    }
    // a document of only comments, e.g. after a trailing `---`
    if (value === null || value === undefined) return;
    documents.push({ index, line, value, lineOf: fieldPath => lineOfField(doc, fieldPath, lineAt) ?? line });
  });
  return { documents, errors };
}

function lineOfField(
  doc: Document.Parsed,
  fieldPath: ReadonlyArray<string | number>,
  lineAt: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  let line = rangeLine(node, lineAt);
  for (const segment of fieldPath) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(p => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) break;
      line = rangeLine(pair.key, lineAt) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      line = rangeLine(item, lineAt) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function rangeLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? lineAt(range[0]) : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
