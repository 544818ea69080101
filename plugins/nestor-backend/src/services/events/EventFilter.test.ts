import { NestorEvent } from '@nestor/plugin-nestor-common';
import { EventFilter } from './EventFilter';

function event(partial: Partial<NestorEvent>): NestorEvent {
  return { id: 1, type: 'deployment.phase', team: null, ref: null, time: '2024-01-01T00:00:00.000Z', payload: {}, ...partial };
}

const teamA = event({ team: 'team-a' });
const teamB = event({ team: 'team-b' });
const global = event({ type: 'catalog.updated', team: null });
const visibleToB = event({ type: 'catalog.updated', team: null, visibleTo: ['team-b', 'team-c'] });
const ownedByPlatformVisibleToC = event({ type: 'catalog.updated', team: 'team-platform', visibleTo: ['team-c'] });

describe('EventFilter', () => {
  it('shows a team its own events, events visible to it and global ones, nothing else', () => {
    const a = EventFilter.create({ teams: ['team-a'] });
    expect([teamA, teamB, global, visibleToB, ownedByPlatformVisibleToC].map(e => a.matches(e))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    const c = EventFilter.create({ teams: ['team-c'] });
    expect([visibleToB, ownedByPlatformVisibleToC].map(e => c.matches(e))).toEqual([true, true]);
    const platform = EventFilter.create({ teams: ['team-platform'] });
    expect(platform.matches(ownedByPlatformVisibleToC)).toBe(true);
  });

  it("shows only global events to a caller without teams, and everything to '*'", () => {
    const none = EventFilter.create({ teams: [] });
    expect([teamA, global, visibleToB].map(e => none.matches(e))).toEqual([false, true, false]);
    const all = EventFilter.create({ teams: '*' });
    expect([teamA, teamB, global, visibleToB].every(e => all.matches(e))).toBe(true);
  });

  it('narrows to the requested team and types', () => {
    const f = EventFilter.create({ teams: ['team-a', 'team-b'], team: 'team-b', types: ['deployment.phase'] });
    expect([teamA, teamB, global, event({ team: 'team-b', type: 'deployment.failed' })].map(e => f.matches(e))).toEqual([
      false,
      true,
      false, // a catalog event: not among the types
      false,
    ]);
    expect(f.toReadQuery(7, 50)).toEqual({ afterId: 7, limit: 50, teams: ['team-b'], types: ['deployment.phase'] });
    expect(EventFilter.create({ teams: '*' }).toReadQuery(0, 1)).toEqual({ afterId: 0, limit: 1 });
  });

  it('gives equal keys to filters that select the same events, whatever the order', () => {
    const k = (o: Parameters<typeof EventFilter.create>[0]) => EventFilter.create(o).key;
    expect(k({ teams: ['b', 'a'], types: ['quota.exceeded', 'policy.violation'] })).toBe(
      k({ teams: ['a', 'b'], types: ['policy.violation', 'quota.exceeded'] }),
    );
    expect(k({ teams: ['a', 'b'], team: 'a' })).toBe(k({ teams: ['a'] }));
    expect(k({ teams: ['a'] })).not.toBe(k({ teams: ['a'], types: ['policy.violation'] }));
    expect(k({ teams: '*' })).not.toBe(k({ teams: [] }));
  });
});
