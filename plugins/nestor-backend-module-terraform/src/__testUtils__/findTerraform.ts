import { execFileSync } from 'node:child_process';

/**
 * The `terraform` CLI on the PATH, or undefined (the tests that need it are
 * then skipped, with the given message on the console).
 */
export function findTerraform(skipMessage: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v terraform'], {
      encoding: 'utf8',
    }).trim();
    if (found) return found;
  } catch {
    // not installed
  }
  // eslint-disable-next-line no-console
  console.warn(`terraform is not installed: ${skipMessage}`);
  return undefined;
}
