import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DefaultEventsService, EventsService } from '@backstage/plugin-events-node';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventStore } from '@nestor/plugin-nestor-node';
import { DatabaseNestorStore } from '../../stores/database/DatabaseNestorStore';
import { EventBus } from './EventBus';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function newEvent(i: number, team = 'team-a'): NewNestorEvent {
  return { type: 'deployment.phase', team, ref: `${team}/dev/app-${i}`, payload: { i } };
}

/** What a hub sees: everything handed to it, in order. */
function recordingHub() {
  const received: number[] = [];
  return {
    received,
    start: jest.fn(),
    broadcast: (events: NestorEvent[]) => {
      received.push(...events.map(e => e.id));
    },
  };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 5));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('EventBus', () => {
  let store: DatabaseNestorStore;
  let events: DefaultEventsService;
  const buses: EventBus[] = [];
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    events = DefaultEventsService.create({ logger });
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map(b => b.stop()));
  });

  async function replica(options: { pollIntervalMs?: number; gapTimeoutMs?: number; eventStore?: EventStore; eventsService?: EventsService } = {}) {
    const hub = recordingHub();
    const bus = await EventBus.create({
      store: options.eventStore ?? store.events,
      events: options.eventsService ?? events.forPlugin('nestor'),
      hub,
      logger,
      options: { pollIntervalMs: options.pollIntervalMs ?? 60_000, gapTimeoutMs: options.gapTimeoutMs },
    });
    buses.push(bus);
    return { bus, hub };
  }

  it('starts its hub at the newest id of the log', async () => {
    await store.events.append([newEvent(1), newEvent(2)]);
    const { hub, bus } = await replica();
    expect(hub.start).toHaveBeenCalledWith(2);
    expect(bus.subscriberId).toMatch(/^nestor-sse-[0-9a-f-]{36}$/);
  });

  it('appends, gives ids, and hands its own events to its hub in order and once, though the bus echoes them', async () => {
    const { bus, hub } = await replica();
    const first = await bus.publish([newEvent(1), newEvent(2)]);
    const second = await bus.publish([newEvent(3)]);
    expect(first.map(e => e.id)).toEqual([1, 2]);
    expect(second).toEqual([expect.objectContaining({ id: 3, type: 'deployment.phase', team: 'team-a', time: expect.any(String) })]);
    expect(hub.received).toEqual([1, 2, 3]);
    expect(await store.events.latestId()).toBe(3);
  });

  it("hands another replica's events to its hub over the bus, without waiting for a poll", async () => {
    const a = await replica();
    const b = await replica();
    await a.bus.publish([newEvent(1)]);
    await waitFor(() => b.hub.received.length === 1, 'the event on replica b');
    expect(b.hub.received).toEqual([1]);
  });

  it('hands listeners every event, and othersOnly listeners only the events other replicas published', async () => {
    const a = await replica();
    const b = await replica();
    const all: number[] = [];
    const others: number[] = [];
    a.bus.addListener(batch => all.push(...batch.map(e => e.id)));
    a.bus.addListener(batch => others.push(...batch.map(e => e.id)), { othersOnly: true });
    await a.bus.publish([newEvent(1), newEvent(2)]);
    await b.bus.publish([newEvent(3)]);
    await a.bus.publish([newEvent(4)]);
    await waitFor(() => all.length === 4, 'all four events on replica a');
    expect(all).toEqual([1, 2, 3, 4]);
    expect(others).toEqual([3]);
  });

  it('reads events the bus never brought from the log on its next poll', async () => {
    const b = await replica({ pollIntervalMs: 30 });
    // written by a writer that did not (or could not) publish on the bus
    await store.events.append([newEvent(1), newEvent(2), newEvent(3)]);
    await waitFor(() => b.hub.received.length === 3, 'the polled events');
    expect(b.hub.received).toEqual([1, 2, 3]);
  });

  it('holds back an event that arrives ahead of missing ids and reads the missing ones from the log first', async () => {
    const a = await replica();
    const b = await replica();
    await store.events.append([newEvent(1), newEvent(2), newEvent(3)]); // lost by the bus
    await a.bus.publish([newEvent(4)]); // arrives on b, which has seen nothing yet
    await waitFor(() => b.hub.received.length === 4, 'the gap to be filled');
    expect(b.hub.received).toEqual([1, 2, 3, 4]);
  });

  it('gives every hub all events in id order exactly once when replicas publish concurrently', async () => {
    const replicas = [await replica(), await replica(), await replica()];
    await Promise.all(range(1, 60).map(i => replicas[i % 3].bus.publish([newEvent(i, i % 2 ? 'team-a' : 'team-b')])));
    for (const r of replicas) {
      await waitFor(() => r.hub.received.length >= 60, 'all events');
      expect(r.hub.received).toEqual(range(1, 60));
    }
  });

  it('moves past an id that never shows up once gapTimeoutMs has passed', async () => {
    // a store that breaks the gap-free promise: id 2 can never be read
    const holey: EventStore = {
      append: e => store.events.append(e),
      latestId: () => store.events.latestId(),
      oldestId: () => store.events.oldestId(),
      pruneBefore: t => store.events.pruneBefore(t),
      readAfter: async q => (await store.events.readAfter(q)).filter(e => e.id !== 2),
    };
    const b = await replica({ eventStore: holey, pollIntervalMs: 20, gapTimeoutMs: 100 });
    await store.events.append([newEvent(1), newEvent(2), newEvent(3)]);
    await waitFor(() => b.hub.received.length === 2, 'ids 1 and 3');
    expect(b.hub.received).toEqual([1, 3]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Event ids 2..2 stayed missing'));
  });

  it('still returns and delivers locally when publishing on the bus fails', async () => {
    const broken = mockServices.events.mock({
      publish: async () => {
        throw new Error('events backend unreachable');
      },
    });
    const { bus, hub } = await replica({ eventsService: broken });
    const appended = await bus.publish([newEvent(1)]);
    expect(appended.map(e => e.id)).toEqual([1]);
    expect(hub.received).toEqual([1]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('events backend unreachable'));
  });

  it('publishes the appended events on the nestor topic', async () => {
    const seen: unknown[] = [];
    await events.subscribe({ id: 'observer', topics: ['nestor'], onEvent: async p => void seen.push(p.eventPayload) });
    const { bus } = await replica();
    const appended = await bus.publish([newEvent(1)]);
    expect(seen).toEqual([{ events: appended }]);
  });
});
