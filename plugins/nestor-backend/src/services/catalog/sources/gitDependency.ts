import { ExternalDependency } from '../../resilience/unavailableDependency';
import { redactUrlCredentials } from './redactUrlCredentials';

/**
 * The dependency a Git URL calls: its host (with the port when there is
 * one), so every repository of one Git server shares a circuit breaker.
 * `https://token@github.com/org/repo.git` and `git@github.com:org/repo.git`
 * are both `github.com`.
 * @internal
 */
export function gitDependency(url: string): ExternalDependency {
  try {
    const parsed = new URL(url);
    if (parsed.host) return { system: 'git', target: parsed.host };
  } catch {
    // not a URL: scp-like syntax, or a path
  }
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):/.exec(url);
  return { system: 'git', target: scp ? scp[1] : redactUrlCredentials(url) };
}
