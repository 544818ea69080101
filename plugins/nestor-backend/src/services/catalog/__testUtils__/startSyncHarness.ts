import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { GitHttpServer, GitWorkTree } from '@nestor/test-utils';
import { NestorEvent } from '@nestor/plugin-nestor-common';
import { DatabaseNestorStore } from '../../../stores/database/DatabaseNestorStore';
import { PolicySetValidator } from '../../policies/types';
import { CatalogSyncService } from '../CatalogSyncService';
import { CliGitClient } from '../sources/CliGitClient';
import { GitSourceReader } from '../sources/GitSourceReader';
import { GitClient, SourceReader } from '../sources/types';

/** A Git server, a work tree pushing to it, a real store and a sync service on one source. */
export interface SyncHarness {
  server: GitHttpServer;
  work: GitWorkTree;
  store: DatabaseNestorStore;
  sync: CatalogSyncService;
  reader: SourceReader;
  /** every event published so far, in order */
  events(): Promise<NestorEvent[]>;
  itemNames(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts a {@link SyncHarness}: source `platform` reading branch `main` of
 * repository `buffet`, below `subPath` if given. Events are appended to the
 * store's log, as the event bus does before it broadcasts.
 */
export async function startSyncHarness(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  subPath?: string;
  client?: GitClient;
  policyValidator?: PolicySetValidator;
  /** wraps the reader, e.g. to count or delay reads */
  wrapReader?: (reader: SourceReader) => SourceReader;
}): Promise<SyncHarness> {
  const knex = await options.databases.init(options.databaseId);
  const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
  const server = await GitHttpServer.start();
  const work = await GitWorkTree.create(await server.createRepo('buffet'));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-sync-'));
  const gitReader = GitSourceReader.create({
    sourceId: 'platform',
    url: server.url('buffet'),
    branch: 'main',
    subPath: options.subPath,
    workDir,
    client: options.client ?? CliGitClient.create(),
    credentials: async () => undefined,
  });
  const reader = options.wrapReader ? options.wrapReader(gitReader) : gitReader;
  const sync = CatalogSyncService.create({
    sources: [{ config: { id: 'platform', url: server.url('buffet'), branch: 'main', subPath: options.subPath }, reader }],
    store,
    events: { publish: events => store.events.append(events) },
    logger: mockServices.rootLogger({ level: 'none' }),
    policyValidator: options.policyValidator,
  });
  return {
    server,
    work,
    store,
    sync,
    reader,
    events: () => store.events.readAfter({ afterId: 0, limit: 10_000 }),
    itemNames: async () => (await store.catalog.listItemsBySource('platform')).map(i => i.name),
    async stop() {
      await server.stop();
      await work.remove();
      await fs.rm(workDir, { recursive: true, force: true });
      await knex.destroy();
    },
  };
}
