/**
 * Every key the store writes, in one place. The README's table design lists
 * the same formats; keep the two in step.
 */

/** Zero-pads a sequence number so that string order is numeric order. */
export function pad(n: number, width = 12): string {
  return String(n).padStart(width, '0');
}

/** Events per partition of the event log (see the README). */
export const EVENT_BUCKET_SIZE = 10_000;

export const keys = {
  schemaVersion: () => ({ PK: 'META', SK: 'SCHEMA' }),
  migrationLock: () => ({ PK: 'META', SK: 'MIGRATION_LOCK' }),
  eventCounter: () => ({ PK: 'META', SK: 'EVENT_COUNTER' }),
  eventLog: () => ({ PK: 'META', SK: 'EVENT_LOG' }),
  deploymentCounter: () => ({ PK: 'META', SK: 'DEPLOYMENT_COUNTER' }),

  catalogCurrent: (name: string) => ({ PK: `ITEM#${name}`, SK: 'CURRENT' }),
  catalogRevision: (name: string, rev: number) => ({
    PK: `ITEM#${name}`,
    SK: `REV#${pad(rev, 10)}`,
  }),
  catalogTag: (name: string, tag: string) => ({
    PK: `ITEM#${name}`,
    SK: `TAG#${tag}`,
  }),
  catalogItemPartition: (name: string) => `ITEM#${name}`,
  catalogAll: () => 'CATALOG',
  catalogByType: (type: string) => `CATALOG#TYPE#${type}`,
  catalogByOwner: (owner: string) => `CATALOG#OWNER#${owner}`,
  catalogByTag: (tag: string) => `CATALOG#TAG#${tag}`,
  catalogBySource: (sourceId: string) => `CATALOG#SOURCE#${sourceId}`,
  catalogSourceSort: (path: string, name: string) => `${path}#${name}`,

  sourceStatus: (id: string) => ({ PK: `SOURCE#${id}`, SK: 'STATUS' }),
  sourcesAll: () => 'SOURCES',

  policySet: (sourceId: string) => ({ PK: `POLICYSET#${sourceId}`, SK: 'SET' }),
  policySetsAll: () => 'POLICYSETS',

  team: (id: string) => ({ PK: `TEAM#${id}`, SK: 'TEAM' }),
  teamsAll: () => 'TEAMS',
  quota: (team: string, environment: string) => ({
    PK: `TEAM#${team}`,
    SK: `QUOTA#${environment}`,
  }),
  teamPartition: (team: string) => `TEAM#${team}`,

  deployment: (id: string) => ({ PK: `DEP#${id}`, SK: 'DEP' }),
  deploymentRef: (ref: string) => ({ PK: `DEPREF#${ref}`, SK: 'REF' }),
  idempotencyKey: (key: string) => ({ PK: `IDEMPOTENCY#${key}`, SK: 'KEY' }),
  deploymentsAll: () => 'DEPLOYMENTS',
  deploymentsByTeam: (team: string) => `DEPLOYMENTS#TEAM#${team}`,
  deploymentsByEnvironment: (environment: string) =>
    `DEPLOYMENTS#ENV#${environment}`,
  deploymentsByPhase: (phase: string) => `DEPLOYMENTS#PHASE#${phase}`,

  eventBucket: (bucket: number) => `EVENTS#${pad(bucket, 8)}`,
  event: (id: number) => ({
    PK: `EVENTS#${pad(Math.floor(id / EVENT_BUCKET_SIZE), 8)}`,
    SK: pad(id),
  }),
  eventsByTeam: (team: string) => `EVENTS#TEAM#${team}`,
  eventsGlobal: () => 'EVENTS#GLOBAL',
  eventsShared: () => 'EVENTS#SHARED',
};

/** The bucket (partition) of an event id. */
export function eventBucketOf(id: number): number {
  return Math.floor(id / EVENT_BUCKET_SIZE);
}
