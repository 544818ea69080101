/*
 * Contract test between docs/openapi.yaml and the running routes.
 *
 * 1. Every route the plugin's router registers is documented (walks the
 *    express router stack of the router `plugin.ts` builds).
 * 2. Every documented path and method answers in the real plugin
 *    (`startTestBackend`, store on SQLite, a local catalog source) with a
 *    status the spec lists for it: never a 404 for a missing route, never a 5xx.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import YAML from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { nestorPlugin } from '../plugin';

const captured: express.Router[] = [];
jest.mock('../router', () => {
  const actual = jest.requireActual('../router');
  return {
    createRouter: (options: any) => {
      const router = actual.createRouter(options);
      captured.push(router);
      return router;
    },
  };
});

const repoRoot = path.resolve(__dirname, '../../../..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: string;
  path: string;
  statuses: string[];
  hasBody: boolean;
  query: Record<string, string>;
}

function readSpec(): { paths: Record<string, any> } {
  return YAML.parse(
    require('node:fs').readFileSync(
      path.join(repoRoot, 'docs/openapi.yaml'),
      'utf8',
    ),
  );
}

function operations(spec: { paths: Record<string, any> }): Operation[] {
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    METHODS.filter(m => item[m]).map(m => {
      const op = item[m];
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const query = Object.fromEntries(
        params
          .filter((q: any) => q.in === 'query' && q.required)
          .map((q: any) => [q.name, 'team-a/dev/contract']),
      );
      return {
        method: m,
        path: p,
        statuses: Object.keys(op.responses ?? {}),
        hasBody: Boolean(op.requestBody),
        query,
      };
    }),
  );
}

/** `/catalog/:name` → `/catalog/{name}` */
function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** Every `METHOD /path` the router and its nested routers register. */
function registeredRoutes(router: any): string[] {
  const found: string[] = [];
  for (const layer of router.stack ?? []) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all')
          found.push(
            `${method.toUpperCase()} ${toOpenApiPath(layer.route.path)}`,
          );
      }
    } else if (layer.handle?.stack) {
      found.push(...registeredRoutes(layer.handle));
    }
  }
  return found;
}

/** An SSE stream stays open: read the status line, then hang up. */
function streamStatus(
  server: http.Server,
  urlPath: string,
  header: string,
): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        headers: { authorization: header },
      },
      res => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', error =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? undefined
        : reject(error),
    );
  });
}

const SAMPLE_REQUEST = {
  team: 'team-a',
  environment: 'dev',
  name: 'contract-db',
  resource: 'postgres-database',
  parameters: { size: 'small' },
};

function sampleBody(op: Operation): object {
  if (op.path === '/validate-dependencies')
    return { requests: [SAMPLE_REQUEST] };
  if (op.path.endsWith('/rollback')) return {};
  if (op.path === '/gitops/sync') return { team: 'team-a' };
  return SAMPLE_REQUEST;
}

describe('docs/openapi.yaml against the running routes', () => {
  const spec = readSpec();
  const ops = operations(spec);
  let server: http.Server;
  let stop: () => Promise<void>;
  let workDir: string;
  const header = mockCredentials.user.header('user:default/alice');

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-openapi-'));
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              sources: [
                { id: 'examples', path: path.join(repoRoot, 'examples') },
              ],
              sync: {
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('documents every route the router registers', () => {
    expect(captured.length).toBeGreaterThan(0);
    const routes = new Set(captured.flatMap(registeredRoutes));
    const documented = new Set(
      ops.map(op => `${op.method.toUpperCase()} ${op.path}`),
    );
    expect(routes.size).toBeGreaterThan(20);
    expect([...routes].filter(r => !documented.has(r)).sort()).toEqual([]);
    // and the other way round: no documented path the router does not have
    expect([...documented].filter(r => !routes.has(r)).sort()).toEqual([]);
  });

  it('lists the operations under test', () => {
    expect(ops.length).toBeGreaterThanOrEqual(25);
  });

  async function callOperation(op: (typeof ops)[number], urlPath: string): Promise<{ status: number; body?: unknown }> {
    if (op.path === '/events') {
      return { status: await streamStatus(server, urlPath, header) };
    }
    let req = (request(server) as any)
      [op.method](urlPath)
      .set('Authorization', header)
      .query(op.query);
    if (op.hasBody) req = req.send(sampleBody(op));
    const res = await req;
    return { status: res.status, body: res.body ?? res.text };
  }

  it.each(
    ops.map(op => [`${op.method.toUpperCase()} ${op.path}`, op] as const),
  )('%s answers with a documented status', async (_name, op) => {
    const urlPath = `/api/nestor${op.path.replace(/\{(\w+)\}/g, (_m, name) =>
      name === 'id' ? 'team-a' : 'contract',
    )}`;
    const { status, body } = await callOperation(op, urlPath);
    // on an unexpected status, show the body to whoever has to fix the route or the spec
    const unexpected = status >= 500 || !op.statuses.includes(String(status));
    expect(unexpected ? { status, body } : { status }).toEqual(
      unexpected ? { status: `one of ${op.statuses.join(', ')}` } : { status },
    );
    // a 404 must come from the route (unknown item), not from a missing route
    const routes = status === 404 ? captured.flatMap(registeredRoutes) : [];
    expect(status !== 404 || routes.includes(`${op.method.toUpperCase()} ${op.path}`)).toBe(true);
  });
});
