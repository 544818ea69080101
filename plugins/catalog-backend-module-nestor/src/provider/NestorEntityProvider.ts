import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  NestorClient,
  NestorEvent,
  NestorEventType,
  NestorSubscription,
} from '@nestor/plugin-nestor-common';
import { EntityContext } from '../entities/types';
import { EntityDelta, NestorEntityReader } from './NestorEntityReader';
import {
  NestorProviderConfig,
  readNestorProviderConfig,
} from './readNestorProviderConfig';

const EVENT_TYPES: NestorEventType[] = [
  'catalog.updated',
  'catalog.removed',
  'deployment.created',
  'deployment.phase',
  'deployment.completed',
  'deployment.failed',
];
/** a subscription the server ended for good (401, 403) is opened again after this long */
const RESUBSCRIBE_MS = 60_000;
/** a delta that failed is retried after this long, this many times; then the scheduled full refresh takes over */
const DELTA_RETRY_MS = 5_000;
const DELTA_MAX_FAILURES = 5;

/** The deployment id an event names, when its payload carries one. */
function deploymentIdOf(event: NestorEvent): string | undefined {
  const payload = event.payload as
    | { id?: unknown; deployment?: { id?: unknown } }
    | null
    | undefined;
  const id = payload?.deployment?.id ?? payload?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * Publishes Nestor's buffet items (as Resources, or APIs), a Template per
 * item and every deployment (as Resources with `dependsOn`) in the catalog.
 *
 * A full mutation on a schedule (global: one replica at a time) and when
 * the event stream first opens or is reset; in between, Nestor's events
 * (`catalog.*`, `deployment.*`) are gathered for `batchDelayMs` and turned
 * into one delta mutation. Every mutation runs after the previous one, and
 * a full refresh drops the events that arrived before it started, since it
 * reads newer state than they announced.
 * @public
 */
export class NestorEntityProvider implements EntityProvider {
  readonly #config: NestorProviderConfig;
  readonly #reader: NestorEntityReader;
  readonly #client: NestorClient;
  readonly #scheduler: SchedulerService;
  readonly #logger: LoggerService;
  #connection?: EntityProviderConnection;
  #subscription?: NestorSubscription;
  #chain: Promise<void> = Promise.resolve();
  #fullQueued = false;
  readonly #pendingItems = new Set<string>();
  readonly #pendingDeployments = new Map<string, string | undefined>();
  #flushTimer?: ReturnType<typeof setTimeout>;
  #resubscribeTimer?: ReturnType<typeof setTimeout>;
  #deltaFailures = 0;
  #closed = false;

  static fromConfig(
    config: Config,
    options: {
      discovery: DiscoveryService;
      auth: AuthService;
      scheduler: SchedulerService;
      logger: LoggerService;
      /** the client to use instead of one built from discovery and auth (tests) */
      client?: NestorClient;
    },
  ): NestorEntityProvider {
    const providerConfig = readNestorProviderConfig(config);
    const { discovery, auth } = options;
    const client =
      options.client ??
      new NestorClient({
        discoveryApi: discovery,
        token: async () =>
          (
            await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'nestor',
            })
          ).token,
      });
    const integrations = ScmIntegrations.fromConfig(config);
    const appBaseUrl = config
      .getOptionalString('app.baseUrl')
      ?.replace(/\/+$/, '');
    const logger = options.logger.child({ target: 'nestor' });
    const context: EntityContext = {
      namespace: providerConfig.namespace,
      groupNamespace: providerConfig.groupNamespace,
      appBaseUrl,
      nestorAppUrl: appBaseUrl
        ? `${appBaseUrl}${providerConfig.appPath}`
        : undefined,
      integrations,
      onDropped: message => logger.warn(message),
    };
    const reader = NestorEntityReader.create({
      client,
      context,
      templates: providerConfig.templates,
      deployments: providerConfig.deployments,
    });
    return new NestorEntityProvider({
      config: providerConfig,
      reader,
      client,
      scheduler: options.scheduler,
      logger,
    });
  }

  private constructor(options: {
    config: NestorProviderConfig;
    reader: NestorEntityReader;
    client: NestorClient;
    scheduler: SchedulerService;
    logger: LoggerService;
  }) {
    this.#config = options.config;
    this.#reader = options.reader;
    this.#client = options.client;
    this.#scheduler = options.scheduler;
    this.#logger = options.logger;
  }

  getProviderName(): string {
    return 'nestor';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#scheduler.scheduleTask({
      id: `${this.getProviderName()}:refresh`,
      ...this.#config.schedule,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.#logger.warn(
            `Full refresh from Nestor failed; the next one is scheduled: ${error}`,
          );
        }
      },
    });
    if (this.#config.events) this.#subscribe();
  }

  /**
   * Replaces everything the provider published with what Nestor has now.
   * Waits for the mutations queued before it; a refresh asked for while
   * another is waiting to start joins that one.
   */
  async refresh(): Promise<void> {
    if (this.#fullQueued) return this.#chain;
    this.#fullQueued = true;
    return this.#enqueue(async () => {
      this.#fullQueued = false;
      // what the events before this point announced, the listing below reads anyway
      this.#pendingItems.clear();
      this.#pendingDeployments.clear();
      const entities = await this.#reader.readAll();
      await this.#requireConnection().applyMutation({
        type: 'full',
        entities: entities.map(e => this.#deferred(e)),
      });
      this.#logger.info(`Published ${entities.length} entities from Nestor`);
    });
  }

  /** Stops following events and drops what was pending; the catalog keeps what it has. */
  close(): void {
    this.#closed = true;
    this.#subscription?.close();
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#resubscribeTimer);
  }

  #subscribe(): void {
    if (this.#closed) return;
    let opened = false;
    const lastEventId = this.#subscription?.lastEventId;
    const subscription = this.#client.subscribe(
      { types: EVENT_TYPES },
      event => this.#onEvent(event),
      {
        lastEventId,
        onOpen: () => {
          if (!opened && lastEventId === undefined) {
            // events from here on are seen: one full read closes the gap before the stream
            this.#refreshInBackground('the event stream opened');
          }
          opened = true;
        },
        onReset: info => {
          this.#refreshInBackground(
            `the event stream was reset (${info.reason ?? 'events expired'})`,
          );
        },
        onError: error => {
          this.#logger.warn(`Nestor event stream: ${error.message}`);
          if (subscription.closed && !this.#closed) {
            clearTimeout(this.#resubscribeTimer);
            this.#resubscribeTimer = setTimeout(
              () => this.#subscribe(),
              RESUBSCRIBE_MS,
            );
          }
        },
      },
    );
    this.#subscription = subscription;
  }

  #onEvent(event: NestorEvent): void {
    if (!event.ref) return;
    if (event.type.startsWith('catalog.')) {
      this.#pendingItems.add(event.ref);
    } else if (event.type.startsWith('deployment.')) {
      const id =
        deploymentIdOf(event) ?? this.#pendingDeployments.get(event.ref);
      this.#pendingDeployments.set(event.ref, id);
    } else {
      return;
    }
    this.#scheduleFlush(this.#config.batchDelayMs);
  }

  #scheduleFlush(delayMs: number): void {
    if (this.#flushTimer || this.#closed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#enqueue(() => this.#flush()).catch(error => {
        this.#deltaFailures += 1;
        if (this.#deltaFailures >= DELTA_MAX_FAILURES) {
          this.#logger.error(
            `Nestor delta updates failed ${
              this.#deltaFailures
            } times; waiting for the next full refresh: ${error}`,
          );
          this.#deltaFailures = 0;
          return;
        }
        this.#logger.warn(
          `Nestor delta update failed, retrying in ${
            DELTA_RETRY_MS / 1000
          }s: ${error}`,
        );
        this.#scheduleFlush(DELTA_RETRY_MS);
      });
    }, delayMs);
  }

  async #flush(): Promise<void> {
    const items = [...this.#pendingItems];
    const deployments = new Map(this.#pendingDeployments);
    this.#pendingItems.clear();
    this.#pendingDeployments.clear();
    if (items.length === 0 && deployments.size === 0) return;
    let delta: EntityDelta;
    try {
      const [a, b] = await Promise.all([
        this.#reader.readItems(items),
        this.#reader.readDeployments(deployments),
      ]);
      delta = {
        added: [...a.added, ...b.added],
        removed: [...a.removed, ...b.removed],
      };
    } catch (error) {
      // keep what was asked for, unless newer events already asked again
      for (const name of items) this.#pendingItems.add(name);
      for (const [ref, id] of deployments)
        if (!this.#pendingDeployments.has(ref))
          this.#pendingDeployments.set(ref, id);
      throw error;
    }
    await this.#requireConnection().applyMutation({
      type: 'delta',
      added: delta.added.map(e => this.#deferred(e)),
      removed: delta.removed.map(entityRef => ({
        entityRef,
        locationKey: this.#locationKey(),
      })),
    });
    this.#deltaFailures = 0;
    this.#logger.debug(
      `Applied a Nestor delta: ${delta.added.length} added or updated, ${delta.removed.length} removed`,
    );
  }

  #refreshInBackground(reason: string): void {
    this.#logger.info(`Full refresh from Nestor: ${reason}`);
    this.refresh().catch(error =>
      this.#logger.warn(`Full refresh from Nestor failed: ${error}`),
    );
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => {});
    return run;
  }

  #deferred(entity: DeferredEntity['entity']): DeferredEntity {
    return { entity, locationKey: this.#locationKey() };
  }

  #locationKey(): string {
    return `nestor-provider:${this.getProviderName()}`;
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection)
      throw new Error(
        'The Nestor entity provider is not connected to the catalog yet',
      );
    return this.#connection;
  }
}
