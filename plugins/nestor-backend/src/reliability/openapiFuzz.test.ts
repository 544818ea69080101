/*
 * Property-based fuzzing of every operation in docs/openapi.yaml with
 * fast-check, through the real plugin in startTestBackend (the store on
 * SQLite, a local catalog source with helm definitions and two teams, the
 * real helm engine module). Each operation gets requests with generated path
 * parameters, query parameters, headers, identities and bodies: shaped by the
 * spec's schemas (with names the fixtures know, so requests reach the
 * services) or garbage (any string, any JSON, malformed JSON, other content
 * types, deep nesting, too large, malformed percent escapes).
 *
 * Properties: never a 5xx (but the documented 503 of readiness), always an
 * answer, errors in Backstage's body with a name and a message, every 400
 * naming the failing field and the reason, and the backend still answering
 * afterwards. Runs per operation: NESTOR_FUZZ_RUNS (default 60); a failure
 * prints fast-check's seed and path, and NESTOR_FUZZ_SEED replays it.
 */
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import helmEngineModule from '@nestor/plugin-nestor-backend-module-helm';
import {
  ownershipUserInfoServiceFactory,
  resourceDefinitionYaml,
} from '@nestor/test-utils';
import YAML from 'yaml';
import { nestorPlugin } from '../plugin';
import {
  readOpenApiSpec,
  SpecOperation,
  specOperations,
} from './__testUtils__/openapiOperations';
import {
  FuzzAuth,
  FuzzRequest,
  KnownValues,
  requestArbitrary,
} from './__testUtils__/requestArbitraries';
import { describeBadRequest } from './__testUtils__/badRequestContract';

jest.setTimeout(120_000);

const RUNS = Number(process.env.NESTOR_FUZZ_RUNS ?? 60);
const SEED =
  process.env.NESTOR_FUZZ_SEED === undefined
    ? undefined
    : Number(process.env.NESTOR_FUZZ_SEED);
const BASE = '/api/nestor';
const WEBHOOK_SECRET = 'fuzz-webhook-secret';

const AUTH: Record<FuzzAuth, string | undefined> = {
  alice: mockCredentials.user.header('user:default/alice'),
  bob: mockCredentials.user.header('user:default/bob'),
  service: mockCredentials.service.header(),
  none: undefined,
  invalid: 'Bearer not-a-token',
};

/** A team that delivers by GitOps (to a repository nothing pushes to: the coordinator is off). */
function teamYaml(name: string): string {
  return YAML.stringify({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'TeamConfig',
    metadata: { name },
    spec: {
      environments: ['dev', 'prod'],
      quotas: { dev: { maxDeployments: 50 } },
      grants: [],
      gitops: {
        repo: `https://git.example.invalid/${name}.git`,
        branch: 'main',
        path: 'nestor',
        strategy: 'direct',
      },
    },
  });
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends the request as it is (no client-side normalisation of the target); an SSE answer is closed after its head. */
function send(server: http.Server, req: FuzzRequest): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  const headers: Record<string, string> = { ...req.headers };
  if (AUTH[req.auth]) headers.authorization = AUTH[req.auth]!;
  if (req.sign && req.target.startsWith('/webhooks/')) {
    headers['x-hub-signature-256'] = `sha256=${createHmac(
      'sha256',
      WEBHOOK_SECRET,
    )
      .update(req.body ?? '')
      .digest('hex')}`;
  }
  if (req.body !== undefined)
    headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const settle = (answer?: Answer, error?: Error) =>
      error ? reject(error) : resolve(answer!);
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: `${BASE}${req.target}`,
        headers,
      },
      res => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.startsWith('text/event-stream')) {
          settle({ status: res.statusCode ?? 0, contentType, text: '' });
          outgoing.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          settle({
            status: res.statusCode ?? 0,
            contentType,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', error => settle(undefined, error));
      },
    );
    // a request the server holds without answering fails the property
    outgoing.setTimeout(15_000, () =>
      outgoing.destroy(
        new Error(`no answer within 15 s to ${req.method} ${req.target}`),
      ),
    );
    outgoing.on('error', error => {
      const code = (error as NodeJS.ErrnoException).code;
      // the server may answer (413, 431) and close before it has read a large request
      if (code === 'ECONNRESET' || code === 'EPIPE')
        settle({
          status: 0,
          contentType: '',
          text: `connection closed: ${error.message}`,
        });
      else settle(undefined, error);
    });
    outgoing.end(req.body);
  });
}

/** What is wrong with an answer, or undefined when it keeps the contract. */
function contractBreach(
  op: SpecOperation,
  req: FuzzRequest,
  answer: Answer,
): string | undefined {
  const { status } = answer;
  if (status === 0) {
    // a reset is acceptable only for a request the server may refuse unread (a too large one)
    return (req.body?.length ?? 0) > 1_000_000 || req.target.length > 8000
      ? undefined
      : answer.text;
  }
  if (status >= 500 && !(status === 503 && op.statuses.includes('503')))
    return `a ${status}`;
  if (status < 400 || !answer.contentType.includes('application/json')) {
    return status >= 400 && status !== 431
      ? `a ${status} without a JSON error body`
      : undefined;
  }
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `a ${status} whose body is not JSON`;
  }
  if (
    typeof body?.error?.name !== 'string' ||
    typeof body?.error?.message !== 'string' ||
    body.error.message === ''
  ) {
    return `a ${status} without error.name and error.message`;
  }
  if (status === 400) return describeBadRequest(body.error);
  return undefined;
}

describe('every endpoint of docs/openapi.yaml under property-based fuzzing', () => {
  const spec = readOpenApiSpec();
  const operations = specOperations(spec);
  let server: http.Server;
  let stop: () => Promise<void>;
  let dir: string;
  // well-formed requests draw from these (hostile ones also send anything else)
  const known: KnownValues = {
    team: ['team-a', 'team-b'],
    environment: ['dev', 'prod'],
    name: ['fuzz-app', 'fuzz-db', 'fuzz-cache', 'other'],
    resource: ['fuzz-db', 'fuzz-cache'],
    version: ['1.0.0', '^1.0.0'],
    parameters: ['{"size":"small"}', '{"size":"large"}', '{}'],
    dependsOn: ['team-a/dev/fuzz-app', 'team-b/dev/other'],
    ref: ['team-a/dev/fuzz-app', 'team-b/prod/other'],
    root: ['team-a/dev/fuzz-app'],
    sourceId: ['fuzz'],
    q: ['db', 'fuzz'],
    type: ['database.postgresql', 'cache.redis'],
    engine: ['helm'],
    owner: ['team-a', 'team-b'],
    phase: ['Pending', 'Ready', 'Failed'],
    app: ['nestor-team-a-dev'],
    types: ['deployment.phase,catalog.updated', 'deployment.phase'],
    lastEventId: ['0', '1'],
    'Last-Event-ID': ['0', '5'],
    'Idempotency-Key': ['key-1', 'key-2'],
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-fuzz-'));
    const buffet = path.join(dir, 'buffet');
    await fs.mkdir(buffet, { recursive: true });
    await fs.writeFile(
      path.join(buffet, 'fuzz-db.yaml'),
      resourceDefinitionYaml('fuzz-db', { owner: 'team-a' }),
    );
    await fs.writeFile(
      path.join(buffet, 'fuzz-cache.yaml'),
      resourceDefinitionYaml('fuzz-cache', {
        owner: 'team-b',
        visibility: ['team-b'],
        type: 'cache.redis',
      }),
    );
    await fs.writeFile(
      path.join(buffet, 'teams.yaml'),
      ['team-a', 'team-b'].map(teamYaml).join('---\n'),
    );
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        helmEngineModule,
        catalogServiceMock.factory(),
        ownershipUserInfoServiceFactory({
          'user:default/alice': ['user:default/alice', 'group:default/team-a'],
          'user:default/bob': ['user:default/bob', 'group:default/team-b'],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: dir },
            nestor: {
              sources: [
                { id: 'fuzz', path: buffet, webhookSecret: WEBHOOK_SECRET },
              ],
              sync: {
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
              },
              // orders are admitted and stored; nothing delivers them in this test
              coordinator: { enabled: false },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // a deployment to find by id, so that some generated ids hit one
    const created = await send(server, {
      method: 'POST',
      target: '/deploy',
      auth: 'alice',
      sign: false,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        team: 'team-a',
        environment: 'dev',
        name: 'fuzz-app',
        resource: 'fuzz-db',
        parameters: { size: 'small' },
      }),
    });
    if (created.status !== 202)
      throw new Error(
        `the seed deployment was refused: ${created.status} ${created.text}`,
      );
    known.id = [JSON.parse(created.text).id, 'team-a', 'team-b', 'fuzz'];
  });

  afterAll(async () => {
    await stop?.();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads every operation of the spec', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
  });

  it.each(
    operations.map(
      op => [`${op.method.toUpperCase()} ${op.path}`, op] as const,
    ),
  )(
    '%s: no 5xx, always an answer, 400s name the field and the reason',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(spec, op, known), async req => {
          const answer = await send(server, req);
          const breach = contractBreach(op, req, answer);
          if (breach) {
            throw new Error(
              `${req.method} ${
                req.target
              } answered ${breach}: ${answer.text.slice(0, 600)}`,
            );
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: false },
      );
      // the backend is still up and answering
      const health = await send(server, {
        method: 'GET',
        target: '/health',
        headers: {},
        auth: 'none',
        sign: false,
      });
      expect(health.status).toBe(200);
    },
  );
});
