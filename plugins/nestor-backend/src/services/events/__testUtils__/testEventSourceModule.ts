import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import express from 'express';
import Router from 'express-promise-router';
import { DatabaseNestorStore } from '../../../stores/database/DatabaseNestorStore';
import { EventBus } from '../EventBus';

/** What a test drives the event source with. */
export interface TestEventSource {
  /** Publishes through a real {@link EventBus} on the plugin's database and events service. */
  publish(events: NewNestorEvent[]): Promise<NestorEvent[]>;
  store(): Promise<DatabaseNestorStore>;
}

/**
 * TEST ONLY. A module of the `nestor` plugin that stands in for the services
 * that will cause events (deployments, catalog sync): it publishes through
 * its own real {@link EventBus}, on the plugin's own database and Backstage
 * events service — exactly what another replica of the plugin does. It also
 * mounts `POST /api/nestor/test/events` (service tokens only) so a test can
 * cause events in a backend running in another process.
 */
export function createTestEventSourceModule(): { module: ReturnType<typeof createBackendModule>; source: TestEventSource } {
  let ready: Promise<{ store: DatabaseNestorStore; bus: EventBus }> | undefined;
  let init: (() => Promise<{ store: DatabaseNestorStore; bus: EventBus }>) | undefined;
  const started = () => {
    if (!init) throw new Error('the backend has not started the test event source module');
    ready ??= init();
    return ready;
  };
  const source: TestEventSource = {
    publish: async events => (await started()).bus.publish(events),
    store: async () => (await started()).store,
  };
  const module = createBackendModule({
    pluginId: 'nestor',
    moduleId: 'test-event-source',
    register(env) {
      env.registerInit({
        deps: {
          database: coreServices.database,
          events: eventsServiceRef,
          logger: coreServices.logger,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ database, events, logger, httpRouter, httpAuth }) {
          // lazily: the plugin runs the store migrations after its modules' init
          init = async () => {
            const store = await DatabaseNestorStore.create({ database, skipMigrations: true });
            const bus = await EventBus.create({
              store: store.events,
              events,
              logger: logger.child({ service: 'test-event-source' }),
              hub: { start() {}, broadcast() {} },
            });
            return { store, bus };
          };
          const router = Router();
          router.post('/test/events', express.json(), async (req, res) => {
            await httpAuth.credentials(req, { allow: ['service'] });
            if (!Array.isArray(req.body)) throw new InputError('expected a JSON array of events');
            res.status(201).json(await source.publish(req.body));
          });
          httpRouter.use(router);
        },
      });
    },
  });
  return { module, source };
}
