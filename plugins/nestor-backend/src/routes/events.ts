import { InputError, NotAllowedError } from '@backstage/errors';
import { NESTOR_EVENT_TYPES } from '@nestor/plugin-nestor-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { AccessService } from '../permissions/AccessService';
import { callerActsFor, CallerResolver } from '../services/caller/CallerResolver';
import { EventFilter } from '../services/events/EventFilter';
import { SseHub } from '../services/events/SseHub';

const KNOWN_TYPES = new Set<string>(NESTOR_EVENT_TYPES);

/**
 * `GET /events`: the caller's event stream (`text/event-stream`). Processors
 * authenticate with a service token, browsers with the user cookie (the
 * plugin adds the `user-cookie` auth policy for this path).
 *
 * - `team`: only what that team sees (the caller must act for it, else 403);
 * - `types`: comma-separated (or repeated) event types;
 * - `Last-Event-ID` header, or `lastEventId` query parameter for clients that
 *   cannot set headers: resume after that id.
 * @internal
 */
export function createEventsRoutes(options: { hub: SseHub; callers: CallerResolver; access?: AccessService }) {
  const router = Router();
  router.get('/events', async (req, res) => {
    const caller = await options.callers.resolve(req, { allowUserCookie: true });
    const query = parseEventsRequest(req);
    // the permission framework decides which teams' events a caller reads (admins: all)
    const teams = options.access ? await options.access.readableTeams(caller) : caller.teams;
    if (query.team !== undefined && !callerActsFor({ ...caller, teams }, query.team)) {
      throw new NotAllowedError(`You do not act for team "${query.team}", so you cannot follow its events`);
    }
    const filter = EventFilter.create({ teams, team: query.team, types: query.types });
    await options.hub.connect({ res, filter, lastEventId: query.lastEventId });
    // The stream outlives this handler. Express keeps its chain of `next` closures (two arrays
    // and a context per router level) reachable from `req.next`; letting go of it here saves
    // several KB per open stream.
    (req as { next?: unknown }).next = undefined;
  });
  return router;
}

function parseEventsRequest(req: Request): { team?: string; types?: string[]; lastEventId?: number } {
  const problems: string[] = [];
  const single = (name: string): string | undefined => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${name}: give it once, as a string`);
      return undefined;
    }
    return value;
  };

  const team = single('team');
  if (team === '') problems.push('team: must not be empty');

  let types: string[] | undefined;
  const rawTypes = req.query.types;
  if (rawTypes !== undefined) {
    const list = (Array.isArray(rawTypes) ? rawTypes : [rawTypes]).flatMap(v =>
      typeof v === 'string' ? v.split(',') : [String(v)],
    );
    types = [...new Set(list.map(t => t.trim()).filter(Boolean))];
    const unknown = types.filter(t => !KNOWN_TYPES.has(t));
    if (unknown.length > 0) {
      problems.push(`types: unknown event type(s) ${unknown.map(t => `"${t}"`).join(', ')}; known: ${NESTOR_EVENT_TYPES.join(', ')}`);
    }
    if (types.length === 0) problems.push('types: give at least one event type, or leave it out');
  }

  const header = req.header('last-event-id');
  const raw = header !== undefined && header.trim() !== '' ? header.trim() : single('lastEventId');
  let lastEventId: number | undefined;
  if (raw !== undefined && raw !== '') {
    if (!/^\d{1,15}$/.test(raw)) {
      problems.push(`Last-Event-ID: "${raw}" is not an event id (a non-negative integer)`);
    } else {
      lastEventId = Number(raw);
    }
  }

  if (problems.length > 0) {
    throw new InputError(`Invalid event stream request: ${problems.join('; ')}`);
  }
  return { team: team || undefined, types, lastEventId };
}
