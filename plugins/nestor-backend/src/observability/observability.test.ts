/*
 * The business metrics, the metered publisher and the audit middleware, on a
 * MetricsService that records what it is given (the OpenTelemetry SDK and
 * its Prometheus exporter are not installed here; see docs/operations.md) and
 * on Backstage's mock auditor.
 */
import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { createRouter } from '../router';
import { meteredPublisher } from './meteredPublisher';
import { NestorMetrics } from './NestorMetrics';

function recordingMetrics() {
  const points: Array<{
    name: string;
    value: number;
    attributes?: Record<string, unknown>;
  }> = [];
  const instrument = (name: string) => ({
    add: (value: number, attributes?: Record<string, unknown>) =>
      points.push({ name, value, attributes }),
    record: (value: number, attributes?: Record<string, unknown>) =>
      points.push({ name, value, attributes }),
  });
  const service = {
    createCounter: instrument,
    createUpDownCounter: instrument,
    createHistogram: instrument,
    createGauge: instrument,
  } as unknown as MetricsService;
  return { service, points };
}

describe('NestorMetrics', () => {
  it('counts deployments by engine, phase and team from the events that are published', async () => {
    const { service, points } = recordingMetrics();
    const metrics = NestorMetrics.create({ metrics: service });
    const published: unknown[] = [];
    const publisher = meteredPublisher(
      {
        publish: async events =>
          events.map((e, i) => {
            published.push(e);
            return { ...e, id: String(i + 1), time: '' } as any;
          }),
      },
      metrics,
    );
    await publisher.publish([
      {
        type: 'deployment.created',
        team: 'team-a',
        ref: 'team-a/dev/db',
        payload: { deployment: { engine: 'helm', phase: 'Pending' } },
      },
      {
        type: 'deployment.phase',
        team: 'team-a',
        ref: 'team-a/dev/db',
        payload: { deployment: { engine: 'helm', phase: 'Ready' } },
      },
      {
        // a drift report keeps the phase: not a transition
        type: 'deployment.phase',
        team: 'team-a',
        ref: 'team-a/dev/db',
        payload: {
          from: 'Ready',
          to: 'Ready',
          reason: 'DriftDetected',
          deployment: { engine: 'helm', phase: 'Ready' },
        },
      },
      {
        type: 'quota.exceeded',
        team: 'team-b',
        ref: 'team-b/dev/x',
        payload: {
          environment: 'dev',
          limit: 'maxDeployments',
          current: 3,
          max: 4,
        },
      },
      {
        type: 'policy.violation',
        team: 'team-b',
        ref: 'team-b/prod/x',
        payload: {},
      },
      { type: 'catalog.updated', team: null, ref: null, payload: {} },
    ]);
    expect(published).toHaveLength(6);
    expect(points).toEqual([
      {
        name: 'nestor.deployments.phase.transitions',
        value: 1,
        attributes: { engine: 'helm', phase: 'Pending', team: 'team-a' },
      },
      {
        name: 'nestor.deployments.phase.transitions',
        value: 1,
        attributes: { engine: 'helm', phase: 'Ready', team: 'team-a' },
      },
      {
        name: 'nestor.quota.exceeded',
        value: 1,
        attributes: {
          team: 'team-b',
          environment: 'dev',
          limit: 'maxDeployments',
        },
      },
      {
        name: 'nestor.quota.usage.ratio',
        value: 0.75,
        attributes: {
          team: 'team-b',
          environment: 'dev',
          limit: 'maxDeployments',
        },
      },
      {
        name: 'nestor.policy.violations',
        value: 1,
        attributes: { team: 'team-b', check: 'policy' },
      },
    ]);
  });

  it('times engine calls and counts their errors', async () => {
    const { service, points } = recordingMetrics();
    const metrics = NestorMetrics.create({ metrics: service });
    await expect(
      metrics.engineCall('helm', 'render', async () => 'ok'),
    ).resolves.toBe('ok');
    await expect(
      metrics.engineCall('helm', 'apply', async () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(points.map(p => [p.name, p.attributes])).toEqual([
      [
        'nestor.engine.call.duration',
        { engine: 'helm', operation: 'render', outcome: 'ok' },
      ],
      [
        'nestor.engine.call.duration',
        { engine: 'helm', operation: 'apply', outcome: 'error' },
      ],
      ['nestor.engine.call.errors', { engine: 'helm', operation: 'apply' }],
    ]);
    expect(points.every(p => p.value >= 0)).toBe(true);
  });

  it('records nothing and throws nothing without a metrics service', async () => {
    const metrics = NestorMetrics.noop();
    metrics.observe([{ type: 'deployment.created', team: 'a', payload: {} }]);
    metrics.syncFinished('s', 10, new Error('x'));
    await expect(
      metrics.engineCall('e', 'render', async () => 1),
    ).resolves.toBe(1);
  });
});

describe('audit of writes', () => {
  function app() {
    const auditor = mockServices.auditor.mock();
    const events: Array<{ eventId: string; outcome: string; meta?: unknown }> =
      [];
    auditor.createEvent.mockImplementation(async ({ eventId }) => ({
      success: async (o?: { meta?: unknown }) =>
        void events.push({ eventId, outcome: 'success', meta: o?.meta }),
      fail: async (o: { meta?: unknown; error: Error }) =>
        void events.push({ eventId, outcome: 'fail', meta: o.meta }),
    }));
    const routes = express.Router();
    routes.post('/deploy', (req, res) => {
      if (req.body.refuse) throw new NotAllowedError('a policy forbids it');
      if (req.body.bad) throw new InputError('bad');
      res.status(202).json({ id: '1' });
    });
    routes.get('/deployments', (_req, res) => void res.json({ items: [] }));
    routes.delete(
      '/deployments/:id',
      (_req, res) => void res.status(202).json({}),
    );
    const errors = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error();
    const server = express()
      .use(createRouter({ auditor, routes: [routes] }))
      .use(errors);
    return { server, events, auditor };
  }

  it('audits a deploy, a cancel and a policy refusal, not a read, with the request id', async () => {
    const { server, events, auditor } = app();
    const ok = await request(server)
      .post('/deploy')
      .set('x-request-id', 'req-42')
      .send({});
    expect(ok.status).toBe(202);
    expect(ok.headers['x-request-id']).toBe('req-42');
    await request(server).get('/deployments').expect(200);
    await request(server).delete('/deployments/abc').expect(202);
    const refused = await request(server)
      .post('/deploy')
      .send({ refuse: true });
    expect(refused.status).toBe(403);
    expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise(r => setImmediate(r));
    expect(events).toEqual([
      { eventId: 'deploy', outcome: 'success', meta: { status: 202 } },
      {
        eventId: 'deployment-cancel',
        outcome: 'success',
        meta: { status: 202 },
      },
      {
        eventId: 'deploy',
        outcome: 'fail',
        meta: { status: 403, refusal: true },
      },
    ]);
    expect(auditor.createEvent).toHaveBeenCalledTimes(3);
    expect(auditor.createEvent.mock.calls[0][0].meta).toEqual({
      path: '/deploy',
      requestId: 'req-42',
    });
  });
});
