/*
 * TEST ONLY. One Nestor replica taking orders (the real plugin and the helm
 * engine module in `createBackend`) in its own process; started by
 * `spawnBackendProcess` of @nestor/test-utils with the config as JSON in
 * NESTOR_BACKEND_CONFIG. Prints NESTOR_BACKEND_READY once it listens and
 * stops on SIGTERM.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import helmEngineModule from '@nestor/plugin-nestor-backend-module-helm';
import { nestorPlugin } from '../../plugin';

const backend = createBackend();
backend.add(
  mockServices.rootConfig.factory({
    data: JSON.parse(process.env.NESTOR_BACKEND_CONFIG ?? '{}'),
  }),
);
backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
backend.add(nestorPlugin);
backend.add(helmEngineModule);
backend.start().then(
  () => {
    process.stdout.write('NESTOR_BACKEND_READY\n');
    process.once('SIGTERM', () =>
      backend.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      ),
    );
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
