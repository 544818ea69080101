/*
 * What the deployment logs carry: every line about a deployment, from the
 * API request that asked for it through the coordinator's steps to the
 * engine's own lines, has `deploymentRef`, `deploymentId`, `revision` and
 * the `requestId` of the request (a capturing LoggerService).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { TestEngine } from './__testUtils__/TestEngine';
import {
  DeploymentHarness,
  startDeploymentHarness,
  testCaller,
  testRequest,
} from './__testUtils__/startDeploymentHarness';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Line = { level: string; message: string; fields: JsonObject };

function capturingLogger(): { logger: LoggerService; lines: Line[] } {
  const lines: Line[] = [];
  const make = (fields: JsonObject): LoggerService => {
    const log =
      (level: string) => (message: string, meta?: Error | JsonObject) =>
        void lines.push({
          level,
          message,
          fields: { ...fields, ...(meta instanceof Error ? {} : meta) },
        });
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: more => make({ ...fields, ...more }),
    };
  };
  return { logger: make({}), lines };
}

describe('deployment logs', () => {
  let h: DeploymentHarness;
  afterEach(() => h?.stop());

  it('carry the deployment ref, id, revision and request id, in the service, the coordinator and the engine', async () => {
    const { logger, lines } = capturingLogger();
    const engine = new TestEngine();
    engine.transientRenderFailures = 1;
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      engine,
      logger,
    });
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({
      caller: testCaller(),
      request: testRequest(),
      requestId: 'req-42',
    });
    await h.waitFor(
      'Syncing',
      async () =>
        (await h.store.deployments.get(deployment.id))?.phase === 'Syncing',
    );
    const fields = {
      deploymentRef: 'team-a/dev/orders-cache',
      deploymentId: deployment.id,
      revision: '1',
      requestId: 'req-42',
    };
    const about = lines.filter(l => l.fields.deploymentId === deployment.id);

    expect(about.find(l => l.message.includes('submitted'))).toMatchObject({
      level: 'info',
      fields,
    });
    // the retried engine failure, logged by the runner
    expect(
      about.find(l => l.message.includes('Rendering failed (attempt 1')),
    ).toMatchObject({ level: 'warn', fields });
    // each phase change
    expect(
      about
        .filter(l => l.message.includes('→'))
        .map(l => l.message.split(' (')[0]),
    ).toEqual([
      'team-a/dev/orders-cache: Pending → Validating',
      'team-a/dev/orders-cache: Validating → Rendering',
      'team-a/dev/orders-cache: Rendering → Committed',
      'team-a/dev/orders-cache: Committed → Syncing',
    ]);
    expect(
      about
        .filter(l => l.message.includes('→'))
        .every(l => expect.objectContaining(fields).asymmetricMatch(l.fields)),
    ).toBe(true);
    // the engine's own line, through the logger of its render context
    expect(
      lines.find(l => l.message === 'rendering team-a/dev/orders-cache'),
    ).toMatchObject({ fields: { ...fields, engine: 'test' } });

    // a cancel is logged with the id of the request that asked for it
    await h.service.remove({
      caller: testCaller(),
      id: deployment.id,
      requestId: 'req-43',
    });
    expect(
      lines.find(l => l.message.includes('is being torn down')),
    ).toMatchObject({ fields: { ...fields, requestId: 'req-43' } });
  });
});
