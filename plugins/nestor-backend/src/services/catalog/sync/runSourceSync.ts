import { LoggerService } from '@backstage/backend-plugin-api';
import { CatalogItem, ResourceDefinition, SourceFileError, SourceStatus, TeamConfig } from '@nestor/plugin-nestor-common';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { PolicySetValidator } from '../../policies/types';
import { NestorEventPublisher } from '../../events/types';
import { ParseLimits } from '../parsing/parseSourceFile';
import { SourceReader, SourceSnapshot } from '../sources/types';
import { catalogEvents } from './catalogEvents';
import { Candidate, loadSourceFile } from './loadSourceFile';
import { planChanges, StoredLocation } from './planChanges';
import { isPolicyPath, readPolicyFiles } from './policyFiles';

/** A configured source as a sync sees it. @internal */
export interface SyncSource {
  id: string;
  /** shown as the items' `source.url` */
  url: string;
  branch?: string;
  subPath: string;
}

/** What {@link runSourceSync} needs. @internal */
export interface SourceSyncContext {
  source: SyncSource;
  reader: SourceReader;
  store: NestorStore;
  events: NestorEventPublisher;
  logger: LoggerService;
  policyValidator?: PolicySetValidator;
  /** engine checks of a definition (engine installed, engine block valid); a problem holds the item back */
  checkDefinition?: (definition: ResourceDefinition) => Promise<Array<{ field: string; message: string }>>;
  /** called once items were written or removed, before the status says so (drops read caches) */
  onChange?: () => Promise<void>;
  limits: ParseLimits;
  signal?: AbortSignal;
}

/** What one sync did. @public */
export interface SourceSyncResult {
  status: SourceStatus;
  /** true when every file was read (no usable base commit) */
  full: boolean;
  /** YAML files parsed */
  filesParsed: number;
  updated: string[];
  removed: string[];
  teamsUpdated: string[];
  teamsRemoved: string[];
  policiesStored: boolean;
}

function isDocumentPath(path: string): boolean {
  return /\.ya?ml$/i.test(path) && !path.split('/').some(segment => segment.startsWith('.'));
}

function byPathAndLine(a: SourceFileError, b: SourceFileError): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}

/**
 * One sync of one source: read what changed since the last synced commit,
 * parse only those files (and the files that failed last time, whose
 * problems may have been caused elsewhere), write the resulting items,
 * teams and policy set, emit `catalog.*` events and record the status.
 * Nothing a failing file declared is removed.
 * @internal
 */
export async function runSourceSync(ctx: SourceSyncContext): Promise<SourceSyncResult> {
  const { source, store } = ctx;
  const previous = await store.sources.getSourceStatus(source.id);
  const snapshot = await ctx.reader.read({ sinceCommit: previous?.lastCommit, signal: ctx.signal });
  const { full } = snapshot.changes;
  const previousErrors = full ? [] : previous?.errors ?? [];

  const deleted = new Set(snapshot.changes.deleted.filter(isDocumentPath));
  const toParse = new Set(snapshot.changes.changed.filter(isDocumentPath));
  for (const e of previousErrors) {
    if (isDocumentPath(e.path) && !deleted.has(e.path)) toParse.add(e.path);
  }
  const contents = await snapshot.readFiles([...toParse]);
  for (const path of toParse) {
    if (!contents.has(path)) {
      toParse.delete(path);
      deleted.add(path);
    }
  }

  const definitions: Array<Candidate<ResourceDefinition>> = [];
  const teams: Array<Candidate<TeamConfig>> = [];
  const errors: SourceFileError[] = [];
  const held = { definitions: new Set<string>(), teams: new Set<string>(), paths: new Set<string>() };
  for (const path of [...toParse].sort()) {
    const file = loadSourceFile(path, contents.get(path)!, ctx.limits);
    definitions.push(...file.definitions);
    teams.push(...file.teams);
    errors.push(...file.errors);
    file.held.definitions.forEach(n => held.definitions.add(n));
    file.held.teams.forEach(n => held.teams.add(n));
    if (file.holdFile) held.paths.add(path);
  }

  const accepted = ctx.checkDefinition ? await checkDefinitions(ctx.checkDefinition, definitions, held.definitions, errors) : definitions;

  const affected = [...toParse, ...deleted];
  const itemPlan = await planItems(ctx, { full, affected, definitions: accepted, held });
  const teamPlan = await planTeams(ctx, { full, affected, teams, held });
  errors.push(...itemPlan.errors, ...teamPlan.errors);

  const syncedAt = new Date().toISOString();
  const removedItems = await store.catalog.getItems(itemPlan.deletes);
  const written = await store.catalog.applyChanges(
    {
      upserts: itemPlan.upserts.map(c => ({
        definition: c.value,
        source: { id: source.id, url: source.url, path: c.path, commit: snapshot.commit, line: c.line },
      })),
      deletes: itemPlan.deletes,
    },
    { syncedAt },
  );
  if (teamPlan.upserts.length > 0) {
    await store.teams.putTeams(
      teamPlan.upserts.map(c => ({
        id: c.name,
        config: c.value,
        source: { id: source.id, path: c.path, commit: snapshot.commit },
        updatedAt: syncedAt,
      })),
    );
  }
  if (teamPlan.deletes.length > 0) await store.teams.deleteTeams(teamPlan.deletes);

  const policies = await syncPolicies(ctx, snapshot, previousErrors);
  errors.push(...policies.errors);

  const keptErrors = previousErrors.filter(
    e => !toParse.has(e.path) && !deleted.has(e.path) && !(policies.read && isPolicyPath(e.path, source.subPath)),
  );
  const allErrors = [...keptErrors, ...errors].sort(byPathAndLine);

  // a moved item is written without a new version (and not listed in `updated`): drop caches on any write
  if (itemPlan.upserts.length + itemPlan.deletes.length > 0) await ctx.onChange?.();
  const removedNames = new Set(written.removed);
  await publishEvents(ctx, {
    updated: written.updated,
    created: new Set(itemPlan.created),
    removed: removedItems.filter(i => removedNames.has(i.name)),
    errors,
    previousErrors: previous?.errors ?? [],
    commit: snapshot.commit,
  });

  // a full sync listed every stored item of the source; an incremental one adds to the last count
  const base = full ? itemPlan.storedCount : previous?.itemCount;
  const itemCount =
    base !== undefined
      ? base + itemPlan.created.length - written.removed.length
      : (await store.catalog.listItemsBySource(source.id)).length;
  const status: SourceStatus = {
    id: source.id,
    url: source.url,
    ...(source.branch ? { branch: source.branch } : {}),
    lastCommit: snapshot.commit,
    lastSyncAt: syncedAt,
    status: allErrors.length > 0 ? 'partial' : 'ok',
    errors: allErrors,
    itemCount,
  };
  await store.sources.putSourceStatus(status);
  await ctx.reader.markSynced?.(snapshot.commit);

  return {
    status,
    full,
    filesParsed: toParse.size,
    updated: written.updated.map(i => i.name),
    removed: written.removed,
    teamsUpdated: teamPlan.upserts.map(c => c.name),
    teamsRemoved: teamPlan.deletes,
    policiesStored: policies.stored,
  };
}

/** Engine checks: a definition its engine refuses is reported and held back, so its last good version stays. */
async function checkDefinitions(
  check: NonNullable<SourceSyncContext['checkDefinition']>,
  definitions: Array<Candidate<ResourceDefinition>>,
  heldNames: Set<string>,
  errors: SourceFileError[],
): Promise<Array<Candidate<ResourceDefinition>>> {
  const accepted: Array<Candidate<ResourceDefinition>> = [];
  for (const candidate of definitions) {
    const issues = await check(candidate.value);
    if (issues.length === 0) {
      accepted.push(candidate);
      continue;
    }
    heldNames.add(candidate.name);
    for (const issue of issues) {
      errors.push({
        path: candidate.path,
        line: candidate.line,
        message: `ResourceDefinition "${candidate.name}": ${issue.field}: ${issue.message}`,
      });
    }
  }
  return accepted;
}

async function planItems(
  ctx: SourceSyncContext,
  input: { full: boolean; affected: string[]; definitions: Array<Candidate<ResourceDefinition>>; held: { definitions: Set<string>; paths: Set<string> } },
) {
  const { store, source } = ctx;
  let storedInAffected: Array<{ name: string; path: string }> = [];
  if (input.full) storedInAffected = await store.catalog.listItemsBySource(source.id);
  else if (input.affected.length > 0) storedInAffected = await store.catalog.listItemsBySource(source.id, input.affected);
  const known = new Set(storedInAffected.map(s => s.name));
  const unknownNames = [...new Set(input.definitions.map(c => c.name))].filter(n => !known.has(n));
  const storedElsewhere = new Map<string, StoredLocation>();
  for (const item of await store.catalog.getItems(unknownNames)) {
    storedElsewhere.set(item.name, { name: item.name, sourceId: item.source.id, path: item.source.path });
  }
  const plan = planChanges({
    kind: 'item',
    sourceId: source.id,
    candidates: input.definitions,
    storedInAffected: storedInAffected.map(s => ({ ...s, sourceId: source.id })),
    storedElsewhere,
    heldNames: input.held.definitions,
    heldPaths: input.held.paths,
  });
  return { ...plan, created: plan.upserts.map(c => c.name).filter(n => !known.has(n)), storedCount: storedInAffected.length };
}

async function planTeams(
  ctx: SourceSyncContext,
  input: { full: boolean; affected: string[]; teams: Array<Candidate<TeamConfig>>; held: { teams: Set<string>; paths: Set<string> } },
) {
  const { store, source } = ctx;
  const affected = new Set(input.affected);
  const all = await store.teams.listTeams();
  const ofSource = all.filter(t => t.source.id === source.id && (input.full || affected.has(t.source.path)));
  const inAffected = new Set(ofSource.map(t => t.id));
  const storedElsewhere = new Map<string, StoredLocation>();
  for (const t of all) {
    if (!inAffected.has(t.id)) storedElsewhere.set(t.id, { name: t.id, sourceId: t.source.id, path: t.source.path });
  }
  return planChanges({
    kind: 'team',
    sourceId: source.id,
    candidates: input.teams,
    storedInAffected: ofSource.map(t => ({ name: t.id, sourceId: source.id, path: t.source.path })),
    storedElsewhere,
    heldNames: input.held.teams,
    heldPaths: input.held.paths,
  });
}

/**
 * Re-reads the policies folder when a policy file changed, when the last
 * sync reported policy errors, and on full syncs; stores the set only when
 * the validator accepts it, so a broken set leaves the previous one in force.
 */
async function syncPolicies(ctx: SourceSyncContext, snapshot: SourceSnapshot, previousErrors: SourceFileError[]) {
  const { source, store } = ctx;
  const touched = [...snapshot.changes.changed, ...snapshot.changes.deleted, ...previousErrors.map(e => e.path)];
  if (!snapshot.changes.full && !touched.some(p => isPolicyPath(p, source.subPath))) {
    return { read: false, stored: false, errors: [] };
  }
  const { policies, errors } = await readPolicyFiles(snapshot, source.subPath, ctx.limits.maxFileBytes);
  if (errors.length > 0) return { read: true, stored: false, errors };
  const current = await store.policies.getPolicySet(source.id);
  if (!current && policies.length === 0) return { read: true, stored: false, errors: [] };
  if (ctx.policyValidator && policies.length > 0) {
    const verdict = await ctx.policyValidator(policies);
    if (!verdict.ok) return { read: true, stored: false, errors: verdict.errors };
  }
  await store.policies.putPolicySet(source.id, { policies, commit: snapshot.commit });
  ctx.logger.info(`Stored ${policies.length} policy file(s) of source ${source.id} at ${snapshot.commit}`);
  return { read: true, stored: true, errors: [] };
}

async function publishEvents(
  ctx: SourceSyncContext,
  changes: {
    updated: CatalogItem[];
    created: Set<string>;
    removed: CatalogItem[];
    errors: SourceFileError[];
    previousErrors: SourceFileError[];
    commit: string;
  },
) {
  const events = catalogEvents({ sourceId: ctx.source.id, ...changes });
  if (events.length === 0) return;
  try {
    await ctx.events.publish(events);
  } catch (error) {
    ctx.logger.error(`Could not publish ${events.length} catalog event(s) of source ${ctx.source.id}`, error as Error);
  }
}
