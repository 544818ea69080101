import { promises as fs } from 'node:fs';
import { ConflictError } from '@backstage/errors';
import { mockServices, TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resourceDefinitionYaml as def, teamConfigYaml } from '@nestor/test-utils';
import { SyncHarness, startSyncHarness } from './__testUtils__/startSyncHarness';
import { CatalogSyncService } from './CatalogSyncService';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('CatalogSyncService on %s', (databaseId: TestDatabaseId) => {
  let h: SyncHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('syncs every file first, then only the file a commit changed, recording each version', async () => {
    h = await startSyncHarness({ databases, databaseId });
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`defs/item-${i}.yaml`] = def(`item-${i}`);
    const first = await h.work.commitAndPush(files);

    const full = await h.sync.sync('platform');
    expect(full).toMatchObject({ full: true, filesParsed: 30, removed: [] });
    expect(full.updated).toHaveLength(30);
    expect(full.status).toMatchObject({ status: 'ok', lastCommit: first, errors: [], itemCount: 30 });

    const second = await h.work.commitAndPush({ 'defs/item-7.yaml': def('item-7', { version: '1.1.0', title: 'Seven' }) });
    const incremental = await h.sync.sync('platform');
    expect(incremental).toMatchObject({ full: false, filesParsed: 1, updated: ['item-7'], removed: [] });
    expect(incremental.status).toMatchObject({ lastCommit: second, itemCount: 30 });

    const item = await h.store.catalog.getItem('item-7');
    expect(item?.definition.spec.version).toBe('1.1.0');
    expect(item?.source).toMatchObject({ id: 'platform', path: 'defs/item-7.yaml', commit: second, line: 1 });
    const versions = await h.store.catalog.listVersions('item-7');
    expect(versions.map(v => [v.version, v.commit, v.change])).toEqual([
      ['1.1.0', second, 'updated'],
      ['1.0.0', first, 'created'],
    ]);
    expect(versions[0].changedFields).toEqual(expect.arrayContaining(['metadata.title', 'spec.version']));
    expect((await h.store.catalog.getItem('item-7', { version: '1.0.0' }))?.definition.metadata.title).toBe('Resource item-7');

    const nothing = await h.sync.sync('platform');
    expect(nothing).toMatchObject({ full: false, filesParsed: 0, updated: [], removed: [] });

    const updates = (await h.events()).filter(e => e.type === 'catalog.updated');
    expect(updates).toHaveLength(31);
    expect(updates[30]).toMatchObject({ ref: 'item-7', team: null, payload: { change: 'updated', sourceId: 'platform' } });
  });

  it('serves 5 items and reports 3 broken files with lines, and keeps the last good version of broken items', async () => {
    h = await startSyncHarness({ databases, databaseId });
    const good: Record<string, string> = {};
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) good[`${n}.yaml`] = def(`item-${n}`);
    await h.work.commitAndPush(good);
    await h.sync.sync('platform');

    const broken = {
      'f.yaml': def('item-f', { version: '2.0.0' }).replace('kind: ResourceDefinition', 'kind: ResourceDefinition\n  bad: [indent'),
      'g.yaml': def('item-g', { version: '2.0.0' }).replace(/owner: team-platform/, 'owner: Team Platform'),
      'h.yaml': def('item-h', { version: '2.0.0', parameters: { type: 'object', properties: { size: { type: 'huge' } } } }),
      'a.yaml': def('item-a', { version: '1.1.0' }),
    };
    await h.work.commitAndPush(broken);
    const result = await h.sync.sync('platform');

    expect(result.updated).toEqual(['item-a']);
    expect(result.removed).toEqual([]);
    expect((await h.itemNames()).sort()).toEqual(['item-a', 'item-b', 'item-c', 'item-d', 'item-e', 'item-f', 'item-g', 'item-h']);
    for (const n of ['f', 'g', 'h']) {
      expect((await h.store.catalog.getItem(`item-${n}`))?.definition.spec.version).toBe('1.0.0');
    }
    expect(result.status.status).toBe('partial');
    const errors = result.status.errors;
    expect(errors.map(e => e.path)).toEqual(['f.yaml', 'g.yaml', 'h.yaml']);
    const lineOf = (file: string, text: string) => good[file].split('\n').findIndex(l => l.includes(text)) + 1;
    expect(errors[0]).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(/YAML syntax error/) });
    expect(errors[1]).toEqual({
      path: 'g.yaml',
      line: lineOf('g.yaml', 'owner:'),
      message: expect.stringMatching(/^ResourceDefinition "item-g": metadata.owner: /),
    });
    expect(errors[2]).toMatchObject({
      path: 'h.yaml',
      message: expect.stringMatching(/spec.parameters.properties.size.type: not a valid JSON Schema/),
    });
    expect(errors[2].line).toBeGreaterThan(lineOf('h.yaml', 'parameters:'));

    const failed = (await h.events()).filter(e => e.type === 'catalog.sync.failed');
    expect(failed).toHaveLength(1);
    expect((failed[0].payload as { errors: unknown[] }).errors).toHaveLength(3);
  });

  it('serves the valid files of a repository whose first sync meets broken ones', async () => {
    h = await startSyncHarness({ databases, databaseId });
    const files: Record<string, string> = {};
    for (let i = 1; i <= 5; i++) files[`good-${i}.yaml`] = def(`good-${i}`);
    files['bad-1.yaml'] = 'apiVersion: nestor.io/v1alpha1\nkind: ResourceDefinition\nmetadata: {name: bad-1\n';
    files['bad-2.yaml'] = def('bad-2', { requires: [{ type: 'network.vpc', version: '>>1' }] });
    files['bad-3.yaml'] = def('bad-3').replace('engine: helm', 'engine: helm\n  environments: [dev]');
    await h.work.commitAndPush(files);

    const result = await h.sync.sync('platform');
    expect((await h.itemNames()).sort()).toEqual(['good-1', 'good-2', 'good-3', 'good-4', 'good-5']);
    expect(result.status.errors.map(e => e.path)).toEqual(['bad-1.yaml', 'bad-2.yaml', 'bad-3.yaml']);
    expect(result.status.errors.every(e => typeof e.line === 'number' && e.line > 0)).toBe(true);
    expect(result.status.errors[1].message).toMatch(/spec.requires.0.version: ">>1" is not a valid semver range/);
    expect(result.status.errors[2].message).toMatch(/unique/);
  });

  it('re-reads failing files on the next sync: a fix is picked up and its error cleared', async () => {
    h = await startSyncHarness({ databases, databaseId });
    await h.work.commitAndPush({ 'a.yaml': def('item-a'), 'b.yaml': 'kind: [' });
    expect((await h.sync.sync('platform')).status.errors).toHaveLength(1);

    await h.work.commitAndPush({ 'b.yaml': def('item-b') });
    const fixed = await h.sync.sync('platform');
    expect(fixed.status).toMatchObject({ status: 'ok', errors: [], itemCount: 2 });
    expect(fixed.updated).toEqual(['item-b']);
  });

  it('does not report a file that keeps failing again on every sync', async () => {
    h = await startSyncHarness({ databases, databaseId });
    await h.work.commitAndPush({ 'bad.yaml': 'a: [' });
    await h.sync.sync('platform');
    await h.work.commitAndPush({ 'ok.yaml': def('ok') });
    await h.sync.sync('platform');
    await h.sync.sync('platform');
    expect((await h.events()).filter(e => e.type === 'catalog.sync.failed')).toHaveLength(1);
  });

  it('removes the items of a deleted file and of documents removed from a file', async () => {
    h = await startSyncHarness({ databases, databaseId });
    await h.work.commitAndPush({
      'a.yaml': def('item-a'),
      'multi.yaml': [def('m-1'), def('m-2', { visibility: ['team-a'] }), def('m-3')].join('---\n'),
    });
    await h.sync.sync('platform');

    const commit = await h.work.commitAndPush({ 'a.yaml': null, 'multi.yaml': [def('m-1'), def('m-3')].join('---\n') });
    const result = await h.sync.sync('platform');
    expect(result.removed.sort()).toEqual(['item-a', 'm-2']);
    expect((await h.itemNames()).sort()).toEqual(['m-1', 'm-3']);
    const m3Line = def('m-1').split('\n').length + 1;
    expect((await h.store.catalog.getItem('m-3'))?.source.line).toBe(m3Line);
    const removed = (await h.events()).filter(e => e.type === 'catalog.removed');
    expect(removed.map(e => [e.ref, e.team, e.visibleTo])).toEqual(
      expect.arrayContaining([
        ['item-a', null, undefined],
        ['m-2', 'team-platform', ['team-platform', 'team-a']],
      ]),
    );
    expect(removed[0].payload).toMatchObject({ sourceId: 'platform', commit });
    expect((await h.store.catalog.listVersions('m-2'))[0].change).toBe('removed');
  });

  it('follows a force-push: the state becomes the rewritten tree', async () => {
    h = await startSyncHarness({ databases, databaseId });
    const base = await h.work.commitAndPush({ 'a.yaml': def('item-a'), 'b.yaml': def('item-b') });
    await h.work.commitAndPush({ 'c.yaml': def('item-c'), 'a.yaml': def('item-a', { version: '2.0.0' }) });
    await h.sync.sync('platform');
    expect((await h.itemNames()).sort()).toEqual(['item-a', 'item-b', 'item-c']);

    await h.work.resetHard(base);
    await h.work.write({ 'd.yaml': def('item-d') });
    const rewritten = await h.work.commit('rewritten');
    await h.work.push({ force: true });
    const result = await h.sync.sync('platform');

    expect(result.full).toBe(false);
    expect(result.status.lastCommit).toBe(rewritten);
    expect((await h.itemNames()).sort()).toEqual(['item-a', 'item-b', 'item-d']);
    expect((await h.store.catalog.getItem('item-a'))?.definition.spec.version).toBe('1.0.0');
  });

  it('refuses a name declared in two files, naming both, and keeps the item where it was', async () => {
    h = await startSyncHarness({ databases, databaseId });
    await h.work.commitAndPush({ 'a.yaml': def('shared') });
    await h.sync.sync('platform');

    await h.work.commitAndPush({ 'b.yaml': `${def('other')}---\n${def('shared', { version: '9.0.0' })}` });
    const result = await h.sync.sync('platform');
    expect(result.updated).toEqual(['other']);
    expect(result.status.errors).toEqual([
      { path: 'b.yaml', line: expect.any(Number), message: 'duplicate item name "shared": also defined in a.yaml' },
    ]);
    const shared = await h.store.catalog.getItem('shared');
    expect(shared?.source.path).toBe('a.yaml');
    expect(shared?.definition.spec.version).toBe('1.0.0');

    // two new files at once: both are named and neither is served
    await h.work.commitAndPush({ 'x.yaml': def('twin'), 'y.yaml': def('twin') });
    const twins = await h.sync.sync('platform');
    expect(twins.status.errors.filter(e => e.message.includes('"twin"'))).toEqual([
      { path: 'x.yaml', line: 1, message: 'duplicate item name "twin": also defined in y.yaml:1' },
      { path: 'y.yaml', line: 1, message: 'duplicate item name "twin": also defined in x.yaml:1' },
    ]);
    expect(await h.store.catalog.getItem('twin')).toBeUndefined();

    // removing the first declaration hands the name to the file that was refused
    await h.work.commitAndPush({ 'a.yaml': null });
    const moved = await h.sync.sync('platform');
    expect((await h.store.catalog.getItem('shared'))?.source.path).toBe('b.yaml');
    expect(moved.status.errors.map(e => e.path)).toEqual(['x.yaml', 'y.yaml']);
  });

  it('routes TeamConfig documents to the team store, with the same error rules', async () => {
    h = await startSyncHarness({ databases, databaseId, subPath: 'nestor' });
    await h.work.commitAndPush({
      'nestor/teams.yaml': `${teamConfigYaml('team-a')}---\n${teamConfigYaml('team-b', { grants: ['team-a'] })}`,
      'nestor/defs.yaml': def('item-a'),
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\n',
    });
    const first = await h.sync.sync('platform');
    expect(first.teamsUpdated.sort()).toEqual(['team-a', 'team-b']);
    expect((await h.store.teams.getTeam('team-b'))?.config.spec.grants).toEqual(['team-a']);
    expect((await h.store.teams.getTeam('team-b'))?.source).toMatchObject({ id: 'platform', path: 'nestor/teams.yaml' });

    await h.work.commitAndPush({
      'nestor/teams.yaml': `${teamConfigYaml('team-a')}---\n${teamConfigYaml('team-b').replace('environments:', 'environmentz:')}`,
      'nestor/more.yaml': teamConfigYaml('team-a'),
    });
    const second = await h.sync.sync('platform');
    expect(second.status.errors.map(e => [e.path, e.message.split(':')[0]])).toEqual([
      ['nestor/more.yaml', 'duplicate team name "team-a"'],
      ['nestor/teams.yaml', 'duplicate team name "team-a"'],
      ['nestor/teams.yaml', 'TeamConfig "team-b"'],
      ['nestor/teams.yaml', 'TeamConfig "team-b"'],
    ]);
    expect((await h.store.teams.listTeams()).map(t => t.id)).toEqual(['team-a', 'team-b']);

    await h.work.commitAndPush({ 'nestor/teams.yaml': teamConfigYaml('team-c'), 'nestor/more.yaml': null });
    const third = await h.sync.sync('platform');
    expect(third.status.errors).toEqual([]);
    expect((await h.store.teams.listTeams()).map(t => t.id)).toEqual(['team-c']);
  });

  it('stores Cedar policy files per scope, and keeps the previous set when the validator refuses a new one', async () => {
    const validator = jest.fn(async (files: Array<{ path: string; text: string }>) => {
      const bad = files.filter(f => f.text.includes('BROKEN'));
      return bad.length === 0
        ? ({ ok: true } as const)
        : ({ ok: false, errors: bad.map(f => ({ path: f.path, line: 1, message: 'cannot parse' })) } as const);
    });
    h = await startSyncHarness({ databases, databaseId, policyValidator: validator });
    const first = await h.work.commitAndPush({
      'policies/base.cedar': 'permit(principal, action, resource);',
      'policies/team-a/limits.cedar': 'forbid(principal, action, resource) when { false };',
      'a.yaml': def('item-a'),
    });
    await h.sync.sync('platform');
    expect(await h.store.policies.getPolicySet('platform')).toEqual({
      commit: first,
      policies: [
        { scope: 'global', path: 'policies/base.cedar', text: 'permit(principal, action, resource);' },
        { scope: 'team-a', path: 'policies/team-a/limits.cedar', text: 'forbid(principal, action, resource) when { false };' },
      ],
    });

    await h.work.commitAndPush({ 'policies/team-a/limits.cedar': 'BROKEN', 'policies/x/y/deep.cedar': 'permit(principal, action, resource);' });
    const refused = await h.sync.sync('platform');
    expect(refused.status.errors).toEqual([
      { path: 'policies/x/y/deep.cedar', message: 'policy files go in policies/ (global) or policies/<team id>/ (one team)' },
    ]);
    expect((await h.store.policies.getPolicySet('platform'))?.commit).toBe(first);

    await h.work.commitAndPush({ 'policies/x/y/deep.cedar': null });
    const stillBroken = await h.sync.sync('platform');
    expect(stillBroken.status.errors).toEqual([{ path: 'policies/team-a/limits.cedar', line: 1, message: 'cannot parse' }]);
    expect((await h.store.policies.getPolicySet('platform'))?.commit).toBe(first);

    // an unrelated commit re-checks the failing set and keeps refusing it
    await h.work.commitAndPush({ 'a.yaml': def('item-a', { version: '1.0.1' }) });
    expect((await h.sync.sync('platform')).status.errors).toHaveLength(1);

    const fixed = await h.work.commitAndPush({ 'policies/team-a/limits.cedar': 'permit(principal, action, resource);' });
    const ok = await h.sync.sync('platform');
    expect(ok.status.errors).toEqual([]);
    expect((await h.store.policies.getPolicySet('platform'))?.commit).toBe(fixed);
  });

  it('records a failed fetch without touching the items, and recovers', async () => {
    h = await startSyncHarness({ databases, databaseId });
    const good = await h.work.commitAndPush({ 'a.yaml': def('item-a') });
    await h.sync.sync('platform');
    const repo = h.server.repoPath('buffet');
    await fs.rename(repo, `${repo}.away`);

    await expect(h.sync.sync('platform')).rejects.toThrow(/git fetch failed/);
    const [status] = await h.sync.listStatuses();
    expect(status).toMatchObject({ status: 'failed', lastCommit: good, message: expect.stringMatching(/git fetch failed/) });
    expect(await h.itemNames()).toEqual(['item-a']);
    await expect(h.sync.sync('platform')).rejects.toThrow();
    expect((await h.events()).filter(e => e.type === 'catalog.sync.failed')).toHaveLength(1);

    await fs.rename(`${repo}.away`, repo);
    expect((await h.sync.sync('platform')).status).toMatchObject({ status: 'ok', lastCommit: good });
  });
});

describe('CatalogSyncService concurrency', () => {
  it('never runs two syncs of a source at once and folds waiting requests into one more sync', async () => {
    let active = 0;
    let maxActive = 0;
    let reads = 0;
    const h = await startSyncHarness({
      databases,
      databaseId: 'SQLITE_3',
      wrapReader: reader => ({
        async read(options) {
          active++;
          reads++;
          maxActive = Math.max(maxActive, active);
          try {
            await new Promise(r => setTimeout(r, 50));
            return await reader.read(options);
          } finally {
            active--;
          }
        },
        markSynced: commit => reader.markSynced!(commit),
      }),
    });
    try {
      await h.work.commitAndPush({ 'a.yaml': def('item-a') });
      const calls = [h.sync.sync('platform'), h.sync.sync('platform'), h.sync.sync('platform'), h.sync.sync('platform')];
      const results = await Promise.all(calls);
      expect(maxActive).toBe(1);
      expect(reads).toBe(2);
      expect(results[2]).toBe(results[1]);
      expect(results[0].updated).toEqual(['item-a']);
      expect(results[1].updated).toEqual([]);
      await expect(h.sync.sync('nope')).rejects.toThrow(/No catalog source "nope"/);
    } finally {
      await h.stop();
    }
  });

  it('schedules one global task per source, and retries a trigger while that task is running', async () => {
    const scheduler = mockServices.scheduler.mock();
    scheduler.triggerTask.mockRejectedValueOnce(new ConflictError('Task is currently running')).mockResolvedValue(undefined);
    const sync = CatalogSyncService.create({
      sources: [{ config: { id: 'platform', path: '/nowhere', branch: 'main' }, reader: { read: jest.fn() } }],
      store: {} as any,
      events: { publish: jest.fn() },
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    await sync.schedule(scheduler, { frequency: { minutes: 5 }, timeout: { minutes: 1 } });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'nestor-catalog-sync-platform', scope: 'global', frequency: { minutes: 5 } }),
    );

    await sync.trigger('platform');
    await sync.trigger('platform'); // folded into the pending retry
    await new Promise(r => setTimeout(r, 1500));
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(2);
    expect(scheduler.triggerTask).toHaveBeenLastCalledWith('nestor-catalog-sync-platform');
    await expect(sync.trigger('nope')).rejects.toThrow('No catalog source "nope"');
  });

  it('never shows credentials written into a source URL', async () => {
    const sync = CatalogSyncService.create({
      sources: [
        { config: { id: 'plain', url: 'https://bot:t0ken@git.example.com/buffet.git', branch: 'main' }, reader: { read: jest.fn() } },
      ],
      store: { sources: { listSourceStatuses: async () => [] } } as any,
      events: { publish: jest.fn() },
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    expect((await sync.listStatuses())[0]).toEqual({
      id: 'plain',
      url: 'https://git.example.com/buffet.git',
      branch: 'main',
      status: 'never',
      errors: [],
    });
  });
});
