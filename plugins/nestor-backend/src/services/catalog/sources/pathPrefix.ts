function clean(dir: string): string {
  return dir.replace(/^\/+|\/+$/g, '');
}

/**
 * True when `file` is `dir` itself or inside it (`dir` empty means the root).
 * @internal
 */
export function isBelow(file: string, dir: string): boolean {
  const d = clean(dir);
  return d === '' || file === d || file.startsWith(`${d}/`);
}

/**
 * True when `file` is below `dir` or is one of `dir`'s ancestors (a tree
 * walk must enter it to reach `dir`).
 * @internal
 */
export function isOnPathTo(file: string, dir: string): boolean {
  const d = clean(dir);
  return isBelow(file, d) || d.startsWith(`${file}/`);
}
