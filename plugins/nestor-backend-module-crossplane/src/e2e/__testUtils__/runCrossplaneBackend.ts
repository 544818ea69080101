/*
 * TEST ONLY. One Nestor backend replica (the real plugin and the Crossplane
 * module in `createBackend`) in its own process, for tests that kill a
 * replica; started by `spawnBackendProcess` of @nestor/test-utils, which
 * passes the config as JSON in NESTOR_BACKEND_CONFIG. Prints
 * NESTOR_BACKEND_READY once it listens.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import nestorPlugin from '@nestor/plugin-nestor-backend';
import nestorModuleCrossplane from '../../index';

async function main() {
  const backend = createBackend();
  backend.add(mockServices.rootConfig.factory({ data: JSON.parse(process.env.NESTOR_BACKEND_CONFIG ?? '{}') }));
  backend.add(mockServices.rootLogger.factory({ level: (process.env.NESTOR_TEST_LOG_LEVEL as 'warn' | undefined) ?? 'warn' }));
  backend.add(nestorPlugin);
  backend.add(nestorModuleCrossplane);
  await backend.start();
  process.stdout.write('NESTOR_BACKEND_READY\n');
  process.on('SIGTERM', () => {
    backend.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
