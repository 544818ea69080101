import path from 'node:path';

const REGISTRY_SOURCE =
  /^([a-z0-9.-]+\/)?[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9][A-Za-z0-9_-]*\/[a-z0-9]+(\/\/.*)?$/;

/** What kind of module source a string is. @public */
export function moduleSourceKind(
  source: string,
): 'local' | 'registry' | 'remote' {
  if (
    source.startsWith('./') ||
    source.startsWith('../') ||
    path.isAbsolute(source)
  )
    return 'local';
  if (REGISTRY_SOURCE.test(source) && !source.includes('::')) return 'registry';
  return 'remote';
}

/**
 * The source written into a direct deployment's root module: a local path
 * made absolute against `modulesDirectory` (the working directory is
 * elsewhere), anything else unchanged.
 * @public
 */
export function resolveModuleSource(
  source: string,
  modulesDirectory: string,
): string {
  return moduleSourceKind(source) === 'local'
    ? path.resolve(modulesDirectory, source)
    : source;
}
