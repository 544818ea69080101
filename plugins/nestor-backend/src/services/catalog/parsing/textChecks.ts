import { isUtf8 } from 'node:buffer';

/** Where a problem in a file's text is (1-based). */
export interface TextPosition {
  line: number;
  column: number;
}

function positionOf(bytes: Buffer, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (
    let i = bytes.indexOf(10);
    i >= 0 && i < offset;
    i = bytes.indexOf(10, i + 1)
  ) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** For a UTF-8 lead byte: the sequence length and the range of its second byte (no overlongs, surrogates or values past U+10FFFF). */
function leadByte(
  b: number,
): [length: number, min: number, max: number] | undefined {
  if (b < 0x80) return [1, 0, 0];
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf];
  if (b === 0xe0) return [3, 0xa0, 0xbf];
  if (b === 0xed) return [3, 0x80, 0x9f];
  if (b >= 0xe1 && b <= 0xef) return [3, 0x80, 0xbf];
  if (b === 0xf0) return [4, 0x90, 0xbf];
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf];
  if (b === 0xf4) return [4, 0x80, 0x8f];
  return undefined;
}

/** The length of the UTF-8 sequence starting at `i`, or 0 when the bytes there are not one. */
function sequenceLength(bytes: Buffer, i: number): number {
  const lead = leadByte(bytes[i]);
  if (!lead) return 0;
  const [length, min, max] = lead;
  if (length === 1) return 1;
  if (i + length > bytes.length || bytes[i + 1] < min || bytes[i + 1] > max)
    return 0;
  for (let k = 2; k < length; k++)
    if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return 0;
  return length;
}

/**
 * Why the bytes are not UTF-8 text, with where: NUL bytes (a binary file)
 * or a byte sequence that is not UTF-8. Undefined for UTF-8 text.
 */
export function findNonText(
  bytes: Buffer,
): { position: TextPosition; message: string } | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    return {
      position: positionOf(bytes, nul),
      message: 'not a text file (contains NUL bytes)',
    };
  if (isUtf8(bytes)) return undefined;
  let i = 0;
  while (i < bytes.length - 1) {
    const length = sequenceLength(bytes, i);
    if (length === 0) break;
    i += length;
  }
  const at = Math.min(i, bytes.length - 1);
  const position = positionOf(bytes, at);
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  return {
    position,
    message: `not UTF-8 text: byte 0x${byte} at line ${position.line}, column ${position.column} (files must be UTF-8)`,
  };
}

const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/**
 * Counts the lines that start a YAML document (`---` at the start of a
 * line: YAML allows it nowhere else, not even inside a scalar), stopping at
 * `stopAfter`. Each starts a document, so a count above the limit means
 * too many documents, known before any parsing.
 */
export function countDocumentStarts(
  text: string,
  stopAfter: number,
): { count: number; line?: number } {
  DOCUMENT_START.lastIndex = 0;
  let count = 0;
  let offset = 0;
  for (
    let match = DOCUMENT_START.exec(text);
    match;
    match = DOCUMENT_START.exec(text)
  ) {
    count++;
    offset = match.index;
    if (count >= stopAfter) break;
  }
  if (count < stopAfter) return { count };
  let line = 1;
  for (
    let i = text.indexOf('\n');
    i >= 0 && i < offset;
    i = text.indexOf('\n', i + 1)
  )
    line++;
  return { count, line };
}
