/*
 * TEST ONLY. Runs one events test backend in its own process, for tests that
 * need several replicas: `node -r @backstage/cli/config/nodeTransform.cjs
 * runEventsBackend.ts` with the config as JSON in NESTOR_BACKEND_CONFIG (spawnBackendProcess of @nestor/test-utils).
 * Prints NESTOR_BACKEND_READY once it listens; stops on SIGTERM.
 */
import { startEventsBackend } from './startEventsBackend';

async function main() {
  const config = JSON.parse(process.env.NESTOR_BACKEND_CONFIG ?? '{}');
  const backend = await startEventsBackend(config);
  process.stdout.write('NESTOR_BACKEND_READY\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    backend.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`stop failed: ${error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
