import { TestDatabases } from '@backstage/backend-test-utils';
import { AdmissionError } from './admission/AdmissionError';
import { DeploymentHarness, startDeploymentHarness, testRequest as request, testCaller, testDefinition } from './__testUtils__/startDeploymentHarness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });


describe.each(databases.eachSupportedId())('DeploymentService on %s', databaseId => {
  let h: DeploymentHarness;
  beforeEach(async () => {
    h = await startDeploymentHarness({
      databases,
      databaseId,
      definitions: [testDefinition({ version: '1.0.0' }), testDefinition({ name: 'queue', version: '2.3.0', environments: ['prod'] })],
    });
  });
  afterEach(() => h.stop());

  it('persists an admitted request as Pending, with schema defaults applied and the version range resolved', async () => {
    const { deployment, created } = await h.service.submit({ caller: testCaller(), request: request({ version: '^1.0.0' }) });
    expect(created).toBe(true);
    expect(deployment).toMatchObject({
      ref: 'team-a/dev/orders-cache',
      phase: 'Pending',
      engine: 'test',
      delivery: 'gitops',
      resource: { name: 'cache', version: '1.0.0', requestedVersion: '^1.0.0' },
      parameters: { size: 'small', replicas: 1, tier: 'standard' },
      currentRevision: 1,
      requestedBy: 'user:default/jane',
    });
    expect(deployment.history).toEqual([expect.objectContaining({ phase: 'Pending', reason: 'Submitted' })]);
    const events = await h.events();
    expect(events.map(e => `${e.type} ${e.ref}`)).toEqual(['deployment.created team-a/dev/orders-cache']);
    expect(await h.store.deployments.get(deployment.id)).toEqual(deployment);
  });

  it('creates one deployment for 20 identical requests with one Idempotency-Key, and refuses the key with another body', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => h.service.submit({ caller: testCaller(), request: request(), idempotencyKey: 'order-42' })),
    );
    expect(new Set(results.map(r => r.deployment.id)).size).toBe(1);
    expect(results.filter(r => r.created)).toHaveLength(1);
    expect(results.filter(r => r.replayed)).toHaveLength(19);
    expect((await h.store.deployments.list({ limit: 100 })).items).toHaveLength(1);
    expect((await h.events()).filter(e => e.type === 'deployment.created')).toHaveLength(1);

    const other = await h.service.submit({ caller: testCaller(), request: request({ parameters: { size: 'large' } }), idempotencyKey: 'order-42' }).catch(e => e);
    expect(other.name).toBe('ConflictError');
  });

  it('refuses bad requests with every reason and persists nothing', async () => {
    const unknown = await h.service.submit({ caller: testCaller(), request: request({ resource: 'nope' }) }).catch(e => e);
    expect(unknown).toBeInstanceOf(AdmissionError);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.reasons).toEqual([{ code: 'UNKNOWN_RESOURCE', field: 'resource', message: 'no buffet item named "nope"' }]);

    const noVersion = await h.service.submit({ caller: testCaller(), request: request({ version: '^3.0.0' }) }).catch(e => e);
    expect(noVersion.statusCode).toBe(422);
    expect(noVersion.reasons[0]).toMatchObject({ field: 'version' });

    const invalid = await h.service
      .submit({ caller: testCaller(), request: request({ environment: 'staging', parameters: { size: 'huge', replicas: 9, extra: true } }) })
      .catch(e => e);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.check).toBe('schema');
    expect(invalid.reasons.map((r: { field: string }) => r.field).sort()).toEqual(['environment', 'environment', 'parameters.replicas', 'parameters.size']);

    const wrongEnv = await h.service.submit({ caller: testCaller(), request: request({ resource: 'queue' }) }).catch(e => e);
    expect(wrongEnv.statusCode).toBe(400);
    expect(wrongEnv.reasons).toEqual([expect.objectContaining({ code: 'ENVIRONMENT_NOT_OFFERED', field: 'environment' })]);

    const noTeam = await h.service.submit({ caller: testCaller(['team-x']), request: request({ team: 'team-x' }) }).catch(e => e);
    expect(noTeam.statusCode).toBe(400);
    expect(noTeam.reasons).toEqual([expect.objectContaining({ code: 'UNKNOWN_TEAM' })]);

    expect((await h.store.deployments.list({ limit: 100 })).items).toEqual([]);
    expect(await h.events()).toEqual([]);
  });

  it('cancels a deployment that delivered nothing at once', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    const cancelled = await h.service.remove({ caller: testCaller(), id: deployment.id });
    expect(cancelled.phase).toBe('Cancelled');
    expect(cancelled.history.map(x => `${x.phase}:${x.reason}`)).toEqual(['Pending:Submitted', 'Cancelled:CancelRequested']);
    // the ref is free again
    const again = await h.service.submit({ caller: testCaller(), request: request() });
    expect(again.created).toBe(true);
    expect(again.deployment.id).not.toBe(deployment.id);
  });

  it('updates a finished deployment as a new revision, and refuses to change one in progress', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    const busy = await h.service.submit({ caller: testCaller(), request: request({ parameters: { size: 'large' } }) }).catch(e => e);
    expect(busy.name).toBe('ConflictError');

    await h.store.deployments.update({ ...deployment, phase: 'Ready' }, deployment.version);
    const updated = await h.service.submit({ caller: testCaller(), request: request({ parameters: { size: 'large' } }) });
    expect(updated).toMatchObject({ created: false, replayed: false });
    expect(updated.deployment).toMatchObject({ id: deployment.id, phase: 'Pending', currentRevision: 2, parameters: { size: 'large', replicas: 1, tier: 'standard' } });
    expect(updated.deployment.revisions.map(r => r.reason)).toEqual(['Submitted', 'Updated']);
  });

  it('rolls back only finished deployments, to a rendered revision', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    await expect(h.service.rollback({ caller: testCaller(), id: deployment.id })).rejects.toThrow('only a Ready, Failed or RolledBack deployment');
    await h.store.deployments.update({ ...deployment, phase: 'Ready' }, deployment.version);
    await expect(h.service.rollback({ caller: testCaller(), id: deployment.id })).rejects.toThrow('no earlier revision');
    await expect(h.service.rollback({ caller: testCaller(), id: deployment.id, toRevision: 7 })).rejects.toThrow('has no revision 7');
  });
});
