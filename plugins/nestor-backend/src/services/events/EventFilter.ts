import { NestorEvent } from '@nestor/plugin-nestor-common';
import { EventReadQuery } from '@nestor/plugin-nestor-node';

/**
 * Which events one SSE connection receives: the events its teams may see
 * (their own, catalog events whose `visibleTo` names one of them, and global
 * events, which have neither a team nor `visibleTo`), optionally narrowed to
 * some event types. The same rule as `EventStore.readAfter` with `teams`.
 *
 * Connections with equal filters share one instance (same {@link EventFilter.key}),
 * so the hub evaluates and serializes each event once per filter, not once
 * per connection.
 * @internal
 */
export class EventFilter {
  /** Equal for filters that select the same events. */
  readonly key: string;
  /** The teams whose view this is, `'*'` for every team. */
  readonly teams: ReadonlySet<string> | '*';
  readonly types: ReadonlySet<string> | undefined;
  /** The connection-limit buckets of a stream with this filter: its teams, or `'*'`. */
  readonly buckets: readonly string[];

  /**
   * @param options.teams - the caller's teams (`'*'` for all)
   * @param options.team - the `team` query parameter; the caller must act for it
   * @param options.types - the `types` query parameter
   */
  static create(options: { teams: readonly string[] | '*'; team?: string; types?: readonly string[] }): EventFilter {
    const teams = options.team !== undefined ? [options.team] : options.teams;
    return new EventFilter(teams === '*' ? '*' : new Set(teams), options.types ? new Set(options.types) : undefined);
  }

  private constructor(teams: ReadonlySet<string> | '*', types: ReadonlySet<string> | undefined) {
    this.teams = teams;
    this.types = types;
    this.buckets = teams === '*' ? ['*'] : [...teams];
    this.key = `${keyPart(teams)}|${keyPart(types)}`;
  }

  matches(event: NestorEvent): boolean {
    if (this.types && !this.types.has(event.type)) return false;
    const teams = this.teams;
    if (teams === '*') return true;
    if (event.team === null && event.visibleTo === undefined) return true;
    if (event.team !== null && teams.has(event.team)) return true;
    return event.visibleTo !== undefined && event.visibleTo.some(t => teams.has(t));
  }

  /** The same selection as a store query. */
  toReadQuery(afterId: number, limit: number): EventReadQuery {
    return {
      afterId,
      limit,
      ...(this.teams === '*' ? {} : { teams: [...this.teams] }),
      ...(this.types ? { types: [...this.types] } : {}),
    };
  }
}

function keyPart(set: ReadonlySet<string> | '*' | undefined): string {
  if (set === undefined) return '';
  if (set === '*') return '*';
  return [...set].sort().join(',');
}
