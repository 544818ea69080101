import { CORE_SCHEMA, load } from 'js-yaml';
import { ParsedDocument, ParsedSourceFile } from './parseSourceFile';

const DOCUMENT_MARKER = /^(---|\.\.\.)(?=\s|$)/;
const ANCHOR = /(^|[\s[{,])&[^\s[\]{},]/m;
/** a line that starts with `---` or `...`: without one, the file is one document */
const MAY_HAVE_MARKER = /^(---|\.\.\.)/m;
/** the first line that is neither blank nor a comment (its leading spaces, then its first character) */
const FIRST_CONTENT = /^[ \t]*([^\s#])/m;

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * True when the text may define YAML anchors: such files go to the parser
 * that limits alias expansion.
 * @internal
 */
export function hasAnchors(text: string): boolean {
  return ANCHOR.test(text);
}

/**
 * The fast path of `parseSourceFile`: splits the file at its document
 * markers (a `---` or `...` at the start of a line, which YAML forbids
 * inside content) and loads each document with js-yaml's core schema.
 * Returns undefined as soon as anything is not plain sailing (a syntax error,
 * duplicate keys, a directive, more documents than allowed), so the caller
 * can parse the file thoroughly instead. Field lines, needed only when a
 * document fails validation, come from `fieldLines` (the thorough parse),
 * matched by the document's first line.
 * @internal
 */
export function parseWithJsYaml(
  text: string,
  options: { maxDocuments: number; fieldLines: () => ParsedSourceFile },
): ParsedDocument[] | undefined {
  if (!MAY_HAVE_MARKER.test(text)) return loadSegments([{ start: 1, lines: [text] }], options);
  const segments: Array<{ start: number; lines: string[] }> = [{ start: 1, lines: [] }];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const marker = DOCUMENT_MARKER.exec(line);
    if (!marker) {
      segments[segments.length - 1].lines.push(line);
      continue;
    }
    // keep columns (and the content of `--- {a: 1}`) on the marker's line; `...` closes without content
    segments.push({ start: i + 1, lines: [marker[1] === '---' ? `   ${line.slice(3)}` : ''] });
  }
  if (segments.length > options.maxDocuments) return undefined;
  return loadSegments(segments, options);
}

function loadSegments(
  segments: Array<{ start: number; lines: string[] }>,
  options: { fieldLines: () => ParsedSourceFile },
): ParsedDocument[] | undefined {
  let thorough: ParsedSourceFile | undefined;
  const thoroughDocuments = () => {
    thorough ??= options.fieldLines();
    return thorough.documents;
  };
  const documents: ParsedDocument[] = [];
  for (const [index, segment] of segments.entries()) {
    const text = segment.lines.length === 1 ? segment.lines[0] : segment.lines.join('\n');
    const first = FIRST_CONTENT.exec(text);
    if (!first) continue;
    if (first[1].startsWith('%')) return undefined;
    let value: unknown;
    try {
      value = load(text, { schema: CORE_SCHEMA, json: false });
    } catch {
      return undefined;
    }
    if (value === null || value === undefined) continue;
    const line = segment.start + countNewlines(text, first.index);
    const ordinal = documents.length;
    documents.push({
      index,
      line,
      value,
      lineOf: path => {
        const twins = thoroughDocuments();
        const twin = twins.find(d => d.line === line) ?? twins[ordinal];
        return twin ? twin.lineOf(path) : line;
      },
    });
  }
  return documents;
}
