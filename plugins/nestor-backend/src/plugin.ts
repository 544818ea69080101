import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DeploymentEngine,
  NestorStore,
  nestorEnginesExtensionPoint,
  nestorStoreExtensionPoint,
} from '@nestor/plugin-nestor-node';
import { readNestorConfig } from './config/readNestorConfig';
import { meteredPublisher } from './observability/meteredPublisher';
import { NestorMetrics } from './observability/NestorMetrics';
import { createRouter } from './router';
import { createCatalogRoutes } from './routes/catalog';
import { createEnginesRoutes } from './routes/engines';
import { createEventsRoutes } from './routes/events';
import { createHealthRoutes } from './routes/health';
import { createWebhooksRoutes } from './routes/webhooks';
import { CallerResolver } from './services/caller/CallerResolver';
import { CatalogService } from './services/catalog/CatalogService';
import { CatalogSyncService } from './services/catalog/CatalogSyncService';
import { EngineRegistry } from './services/engines/EngineRegistry';
import { EventBus } from './services/events/EventBus';
import { EventRetention } from './services/events/EventRetention';
import { SseHub } from './services/events/SseHub';
import { ReadinessChecker, unreachableCheck } from './services/health/ReadinessChecker';
import { CircuitBreakers } from './services/resilience/CircuitBreakers';
import { createTeamServices } from './services/teams/createTeamServices';
import { createDeploymentServices } from './services/deployments/createDeploymentServices';
import { DependencyService } from './services/dependencies/DependencyService';
import { DependencyGraphFollower } from './services/dependencies/DependencyGraphFollower';
import { createDependenciesRoutes } from './routes/dependencies';
import { DatabaseNestorStore } from './stores/database/DatabaseNestorStore';

/**
 * The Nestor backend plugin: REST + SSE API, catalog sync, coordinator,
 * dependency graph, teams and policies.
 * @public
 */
export const nestorPlugin = createBackendPlugin({
  pluginId: 'nestor',
  register(env) {
    const engines: DeploymentEngine[] = [];
    const stores = new Map<string, () => Promise<NestorStore>>();
    env.registerExtensionPoint(nestorEnginesExtensionPoint, {
      addEngine(...added) {
        engines.push(...added);
      },
    });
    env.registerExtensionPoint(nestorStoreExtensionPoint, {
      setStore({ type, factory }) {
        if (type === 'database' || stores.has(type)) {
          throw new Error(`A Nestor store of type "${type}" is already registered`);
        }
        stores.set(type, factory);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        events: eventsServiceRef,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        metrics: metricsServiceRef,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        cache: coreServices.cache,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, httpAuth, userInfo, events, lifecycle, scheduler, metrics } = deps;
        const nestorConfig = readNestorConfig(config, { storageTypes: ['database', ...stores.keys()] });
        const storeType = nestorConfig.storage.type;
        const store =
          storeType === 'database' ? await DatabaseNestorStore.create({ database }) : await stores.get(storeType)!();
        logger.info(`Nestor store: ${storeType}`);

        const nestorMetrics = NestorMetrics.create({ metrics });
        const registry = EngineRegistry.create(engines, { metrics: nestorMetrics });
        // one breaker per Git host, Argo CD instance and cluster, shared by every client
        const breakers = CircuitBreakers.create({
          settings: nestorConfig.circuitBreakers,
          metrics: nestorMetrics,
          logger: logger.child({ service: 'circuit-breakers' }),
        });
        const callers = CallerResolver.create({ httpAuth, userInfo, serviceAccess: nestorConfig.serviceAccess });
        const eventHub = SseHub.create({
          store: store.events,
          logger: logger.child({ service: 'events' }),
          metrics,
          options: {
            maxConnections: nestorConfig.events.maxConnections,
            maxConnectionsPerTeam: nestorConfig.events.maxConnectionsPerTeam,
            heartbeatMs: nestorConfig.events.heartbeat.seconds * 1000,
            retryMs: nestorConfig.events.retryMs,
          },
        });
        const eventBus = await EventBus.create({ store: store.events, events, hub: eventHub, logger });
        // what services publish is counted in the business metrics on its way to the bus
        const publisher = meteredPublisher(eventBus, nestorMetrics);
        await EventRetention.create({
          store: store.events,
          logger,
          retentionDays: nestorConfig.events.retention.days,
        }).schedule(scheduler);
        lifecycle.addShutdownHook(async () => {
          await eventHub.drain();
          await eventBus.stop();
        });
        const teamServices = createTeamServices({ ...deps, store, events: publisher, callers });
        const catalogReads = CatalogService.create({ store: store.catalog, cache: deps.cache, logger });
        const dependencies = await DependencyService.create({
          store,
          logger: logger.child({ service: 'dependencies' }),
          emit: event => publisher.publish([event]).then(() => undefined),
        });
        // The graph is held per replica: the coordinator keeps it current for
        // its own changes and the catalog sync's onChange reloads it; every
        // deployment or catalog event another replica published schedules a
        // debounced reload, and a slow periodic reload is the safety net.
        const graphFollower = DependencyGraphFollower.create({
          reload: () => dependencies.reload(),
          logger: logger.child({ service: 'dependencies' }),
        });
        // this replica's own changes reach the graph directly (coordinator, catalog sync's onChange)
        eventBus.addListener(batch => graphFollower.observe(batch), { othersOnly: true });
        lifecycle.addShutdownHook(() => graphFollower.stop());
        await scheduler.scheduleTask({
          id: 'nestor-dependency-graph-reload',
          scope: 'local',
          frequency: { minutes: 5 },
          timeout: { seconds: 120 },
          initialDelay: { minutes: 5 },
          fn: () => dependencies.reload(),
        });
        const catalogSync = await CatalogSyncService.fromConfig({
          config,
          sources: nestorConfig.sources,
          limits: nestorConfig.sync.limits,
          store,
          events: publisher,
          metrics: nestorMetrics,
          breakers,
          logger: logger.child({ service: 'catalog-sync' }),
          policyValidator: teamServices.policyValidator,
          checkDefinition: definition => registry.validateDefinition(definition),
          onChange: async () => {
            await catalogReads.invalidate();
            // definitions and team grants may have changed: versions in range, who may depend on whom
            await dependencies.reload().catch(error => logger.warn(`Could not reload the dependency graph: ${error}`));
          },
        });
        await catalogSync.schedule(scheduler, nestorConfig.sync.schedule);
        const deployments = createDeploymentServices({
          config,
          nestorConfig,
          logger,
          lifecycle,
          store,
          engines: registry,
          events: publisher,
          callers,
          access: teamServices.access,
          checks: teamServices.checks,
          quotas: teamServices.quotas,
          dependencies,
          breakers,
          metrics: nestorMetrics,
        });
        // the runner's definitions are dropped on every catalog change, this replica's or another's
        eventBus.addListener(batch => deployments.definitions.observe(batch));
        // drift of running deployments, checked by one replica at a time (a replica without workers takes no part)
        const drift = nestorConfig.coordinator.driftCheck;
        if (nestorConfig.coordinator.enabled && drift.enabled) {
          await deployments.driftMonitor.schedule(scheduler, { frequency: drift.frequency, timeout: drift.timeout, initialDelay: drift.initialDelay });
        }
        const readiness = ReadinessChecker.create();
        readiness.addCheck('store', () => store.ping());
        readiness.addCheck(
          'engines',
          async () => {
            const down = (await registry.summaries()).filter(e => e.health.status !== 'ok');
            if (down.length > 0) {
              return { status: 'degraded', message: down.map(e => `${e.name}: ${e.health.message ?? e.health.status}`).join('; ') };
            }
            return undefined;
          },
          { critical: false },
        );
        readiness.addCheck('sources', () => catalogSync.health(), { critical: false });
        readiness.addCheck('clusters', unreachableCheck(() => deployments.clusters.unreachable()), { critical: false });
        readiness.addCheck('argocd', unreachableCheck(() => deployments.argocd.unreachable()), { critical: false });
        readiness.addCheck('circuits', () => breakers.health(), { critical: false });

        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/webhooks', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/events', allow: 'user-cookie' });
        httpRouter.use(
          createRouter({
            auditor: deps.auditor,
            rawBodyRoutes: [createWebhooksRoutes({ sync: catalogSync, logger })],
            routes: [
              createHealthRoutes({ readiness, breakers }),
              createEnginesRoutes({ engines: registry, callers }),
              createCatalogRoutes({ callers, access: teamServices.access, catalog: catalogReads, sync: catalogSync }),
              createEventsRoutes({ hub: eventHub, callers, access: teamServices.access }),
              teamServices.routes,
              deployments.routes,
              deployments.gitopsRoutes,
              createDependenciesRoutes({
                dependencies,
                resolveCaller: async req => ({
                  teams: await teamServices.access.readableTeams(await callers.resolve(req)),
                }),
              }),
            ],
          }),
        );
      },
    });
  },
});
