import { z } from 'zod';

/** Every event type. @public */
export const NESTOR_EVENT_TYPES = [
  'catalog.updated',
  'catalog.removed',
  'catalog.sync.failed',
  'deployment.created',
  'deployment.phase',
  'deployment.completed',
  'deployment.failed',
  'dependency.violation',
  'policy.violation',
  'quota.exceeded',
  'gitops.committed',
  'gitops.synced',
] as const;

/** @public */
export type NestorEventType = (typeof NESTOR_EVENT_TYPES)[number];

/** @public */
export const nestorEventTypeSchema = z.enum(NESTOR_EVENT_TYPES);

/**
 * An event as stored in the log and sent over SSE.
 * @public
 */
export const nestorEventSchema = z.object({
  id: z.number().int().positive().describe('monotonic sequence number'),
  type: nestorEventTypeSchema,
  team: z.string().nullable().describe('owning team, or null for global events'),
  ref: z.string().nullable().describe('deployment ref or catalog item name'),
  time: z.string(),
  /** For catalog events: the teams that may see the item, when it is not public. */
  visibleTo: z.array(z.string()).optional(),
  payload: z.unknown(),
});

/** @public */
export type NestorEvent = z.infer<typeof nestorEventSchema>;

/** An event before the log gives it an id and a time. @public */
export type NewNestorEvent = Omit<NestorEvent, 'id' | 'time'> & { time?: string };
