import { Document, isMap, isScalar, isSeq, Lexer, Node } from 'yaml';

/** A problem in a parsed document, at a character offset of the file. */
export interface NodeProblem {
  offset: number;
  message: string;
}

function offsetOf(node: unknown): number {
  return (node as Node | undefined)?.range?.[0] ?? 0;
}

/**
 * Checks a document's nodes without recursion, in time linear in their
 * number: duplicate keys in a mapping (the check the `yaml` package makes
 * with `uniqueKeys`, which compares each key with every earlier one and so
 * takes minutes on a mapping of a few hundred thousand keys) and
 * collections nested deeper than `maxDepth` (the top level is depth 1).
 * Aliases are not followed: what they point at is checked where it is
 * defined.
 */
export function checkDocumentNodes(
  doc: Document.Parsed,
  maxDepth: number,
): NodeProblem | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [
    { node: doc.contents, depth: 1 },
  ];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > maxDepth)
      return {
        offset: offsetOf(node),
        message: `collections nested deeper than the limit of ${maxDepth} levels`,
      };
    if (isSeq(node)) {
      for (const item of node.items)
        stack.push({ node: item, depth: depth + 1 });
      continue;
    }
    const keys = new Set<string>();
    for (const pair of node.items) {
      if (isScalar(pair.key)) {
        // the same test as the yaml package: scalars with the same value (1 and "1" differ)
        const value = pair.key.value;
        const id = `${value === null ? 'null' : typeof value}:${String(value)}`;
        if (keys.has(id))
          return {
            offset: offsetOf(pair.key),
            message: `Map keys must be unique ("${String(value).slice(
              0,
              60,
            )}" is repeated)`,
          };
        keys.add(id);
      } else {
        stack.push({ node: pair.key, depth: depth + 1 });
      }
      stack.push({ node: pair.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * True when a value (as parsed) nests objects or arrays deeper than
 * `maxDepth`. Aliases make shared objects; each is walked again only when
 * reached deeper than before, so the walk stays linear in the objects times
 * the depth limit.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const deepest = new WeakMap<object, number>();
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return true;
    if ((deepest.get(current) ?? 0) >= depth) continue;
    deepest.set(current, depth);
    for (const child of Object.values(current))
      stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Finds nesting beyond `maxDepth` from the YAML tokens alone, before any
 * parsing: a 1 MiB file of `[[[[...` or `- - - ...` holds half a million
 * levels, which the parser takes seconds and hundreds of megabytes to
 * build before it fails. Counts flow collections open at once plus the
 * block sequence and explicit key indicators that start on one line; that
 * never exceeds the real depth (indentation levels are not counted: a file
 * within the size limit cannot hold many of them). Returns the line where
 * the limit is passed.
 */
export function nestingBeyond(
  text: string,
  maxDepth: number,
): { line: number } | undefined {
  let flow = 0;
  let compact = 0;
  let line = 1;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if ((token === '-' || token === '?') && flow === 0) compact++;
    else {
      for (
        let i = token.indexOf('\n');
        i >= 0;
        i = token.indexOf('\n', i + 1)
      ) {
        line++;
        compact = 0;
      }
      continue;
    }
    if (flow + compact > maxDepth) return { line };
  }
  return undefined;
}
