import { DependencyService } from './DependencyService';
import { mockServices } from '@backstage/backend-test-utils';
import { dependencyStore, graphRecord } from './__testUtils__/dependencyFixtures';
import { createService, postgres, records, svc as svcDefinition, teams, vpc } from './__testUtils__/threeTeamWorld';

const svc = 'svc@1.0.0:app.service';

describe('DependencyService queries', () => {
  let service: DependencyService;
  beforeEach(async () => {
    service = await createService();
  });

  describe('visibleTeamsFor', () => {
    it('adds the teams that grant one of the caller teams', () => {
      expect([...(service.visibleTeamsFor(['team-c']) as string[])].sort()).toEqual(['team-a', 'team-c', 'team-platform']);
      expect([...(service.visibleTeamsFor(['team-d']) as string[])]).toEqual(['team-d']);
      expect(service.visibleTeamsFor('*')).toBe('*');
    });
  });

  describe('order', () => {
    it('puts every dependency in an earlier wave than its dependents', () => {
      const { waves, unordered } = service.order();
      expect(unordered).toEqual([]);
      const wave = new Map(waves.flatMap((w, i) => w.map(ref => [ref, i] as const)));
      expect(wave.size).toBe(service.stats.deployments);
      expect(wave.get('team-c/dev/z')!).toBeLessThan(wave.get('team-b/dev/y')!);
      expect(wave.get('team-b/dev/y')!).toBeLessThan(wave.get('team-a/dev/x')!);
      expect(wave.get('team-platform/dev/vpc')!).toBeLessThan(wave.get('team-a/dev/db')!);
    });

    it('orders given refs with the dependencies that are not Ready yet', () => {
      service.onDeploymentChanged(graphRecord('team-b/dev/y', { resource: svc, phase: 'Rendering', dependsOn: ['team-c/dev/z'] }));
      expect(service.order(['team-a/dev/x'])).toEqual({ waves: [['team-b/dev/y'], ['team-a/dev/x']], unordered: [] });
    });

    it('leaves a cycle unordered', () => {
      service.onDeploymentChanged(graphRecord('team-c/dev/z', { resource: svc, dependsOn: ['team-a/dev/x'] }));
      const { unordered } = service.order();
      expect([...unordered].sort()).toEqual(['team-a/dev/x', 'team-b/dev/y', 'team-c/dev/z']);
    });
  });

  describe('impact', () => {
    it('lists every direct and transitive dependent and team, with paths', () => {
      expect(service.impact('team-c/dev/z', { visibleTeams: '*' })).toEqual({
        ref: 'team-c/dev/z',
        dependents: [
          { ref: 'team-b/dev/y', team: 'team-b', depth: 1, path: ['team-b/dev/y', 'team-c/dev/z'] },
          { ref: 'team-a/dev/x', team: 'team-a', depth: 2, path: ['team-a/dev/x', 'team-b/dev/y', 'team-c/dev/z'] },
        ],
        teams: ['team-a', 'team-b'],
        hidden: 0,
      });
    });

    it('counts dependents the reader may not see and masks them in paths', () => {
      const impact = service.impact('team-c/dev/z', { visibleTeams: service.visibleTeamsFor(['team-c']) });
      expect(impact.dependents).toEqual([
        { ref: 'team-a/dev/x', team: 'team-a', depth: 2, path: ['team-a/dev/x', 'team-b/*', 'team-c/dev/z'] },
      ]);
      expect(impact.hidden).toBe(1);
      expect(impact.teams).toEqual(['team-a', 'team-b']);
    });

    it('answers 404 for a ref the reader may not see or that does not exist', () => {
      expect(() => service.impact('team-d/dev/secret', { visibleTeams: ['team-a'] })).toThrow(
        expect.objectContaining({ name: 'NotFoundError' }),
      );
      expect(() => service.impact('team-a/dev/none', { visibleTeams: '*' })).toThrow(
        expect.objectContaining({ name: 'NotFoundError' }),
      );
    });
  });

  describe('edges and graph', () => {
    it('lists edges whose source the reader may see, filtered by team', () => {
      expect(service.edges({ team: 'team-b', visibleTeams: '*' }).items).toEqual([
        { from: 'team-a/dev/x', to: 'team-b/dev/y', crossTeam: true },
        { from: 'team-b/dev/y', to: 'team-c/dev/z', crossTeam: true },
      ]);
      // team-b sees itself, team-c and team-platform (they grant it), not team-a
      const visibleTeams = service.visibleTeamsFor(['team-b']);
      expect(service.edges({ team: 'team-b', visibleTeams }).items).toEqual([
        { from: 'team-b/dev/y', to: 'team-c/dev/z', crossTeam: true },
      ]);
      expect(service.edges({ team: 'nobody', visibleTeams: '*' }).items).toEqual([]);
    });

    it('shows an edge into a team the reader may not see, with that node hidden and not followed', () => {
      service.onDeploymentChanged(graphRecord('team-c/dev/z', { resource: svc, dependsOn: ['team-c/dev/w'] }));
      service.onDeploymentChanged(graphRecord('team-c/dev/w', { resource: svc }));
      // team-a sees itself, team-b and team-platform (they grant it), not team-c
      const graph = service.graph({ root: 'team-b/dev/y', visibleTeams: service.visibleTeamsFor(['team-a']) });
      expect(graph.nodes).toEqual([
        { ref: 'team-b/dev/y', team: 'team-b', environment: 'dev', resource: 'svc', phase: 'Ready', visible: true },
        { ref: 'team-c/dev/z', team: 'team-c', environment: 'dev', visible: false },
        { ref: 'team-a/dev/x', team: 'team-a', environment: 'dev', resource: 'svc', phase: 'Ready', visible: true },
      ]);
      expect(graph.edges).toEqual([
        { from: 'team-b/dev/y', to: 'team-c/dev/z', crossTeam: true },
        { from: 'team-a/dev/x', to: 'team-b/dev/y', crossTeam: true },
      ]);
      expect(graph.cycles).toEqual([]);
      // with full visibility the walk goes on through team-c
      const all = service.graph({ root: 'team-b/dev/y', visibleTeams: '*' });
      expect(all.nodes.map(n => n.ref)).toContain('team-c/dev/w');
    });

    it('marks missing targets and reports cycles with their full path', () => {
      service.onDeploymentChanged(graphRecord('team-c/dev/z', { resource: svc, dependsOn: ['team-a/dev/x', 'team-c/dev/gone'] }));
      const graph = service.graph({ visibleTeams: '*' });
      expect(graph.cycles).toEqual([['team-a/dev/x', 'team-b/dev/y', 'team-c/dev/z', 'team-a/dev/x']]);
      expect(graph.nodes.find(n => n.ref === 'team-c/dev/gone')).toEqual({
        ref: 'team-c/dev/gone',
        team: 'team-c',
        environment: 'dev',
        visible: true,
        missing: true,
      });
    });

    it('answers 404 for a root the reader may not see', () => {
      expect(() => service.graph({ root: 'team-d/dev/secret', visibleTeams: ['team-a'] })).toThrow(
        expect.objectContaining({ name: 'NotFoundError' }),
      );
    });
  });

  describe('coordinator helpers', () => {
    it('says what a deployment waits for until its dependencies are Ready', () => {
      service.onDeploymentChanged(
        graphRecord('team-a/dev/api', { resource: svc, phase: 'Pending', dependsOn: ['team-a/dev/queue', 'team-a/dev/db'] }),
      );
      expect(service.waitingFor('team-a/dev/api')).toEqual(['team-a/dev/queue']);
      service.onDeploymentChanged(graphRecord('team-a/dev/queue', { resource: svc, phase: 'Ready' }));
      expect(service.waitingFor('team-a/dev/api')).toEqual([]);
    });

    it('refuses to tear down what others still need, unless forced', () => {
      expect(() => service.assertCanTearDown('team-c/dev/z')).toThrow(
        expect.objectContaining({ name: 'ConflictError', message: expect.stringContaining('team-b/dev/y') }),
      );
      expect(() => service.assertCanTearDown('team-c/dev/z', { force: true })).not.toThrow();
      service.onDeploymentChanged(graphRecord('team-b/dev/y', { resource: svc, phase: 'Deleting', dependsOn: ['team-c/dev/z'] }));
      expect(() => service.assertCanTearDown('team-c/dev/z')).not.toThrow();
    });
  });

  describe('validateAll', () => {
    it('finds what is already broken in the stored graph', () => {
      service.onDeploymentChanged(graphRecord('team-c/dev/z', { resource: svc, dependsOn: ['team-a/dev/x'] }));
      service.onDeploymentChanged(graphRecord('team-d/dev/lost', { resource: svc, dependsOn: ['team-d/dev/gone'] }));
      const codes = service.validateAll().map(e => e.code).sort();
      expect(codes).toEqual(['CYCLE', 'MISSING_TARGET']);
    });
  });

  describe('reload', () => {
    it('applies again to the new graph what changed while it read the store', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>(resolve => {
        release = resolve;
      });
      const store = dependencyStore({ records, definitions: [vpc, postgres, svcDefinition], teams });
      const reloading = await DependencyService.create({ store, logger: mockServices.logger.mock() });
      // the next read of the deployments waits for the gate
      const read = store.deployments.listGraphRecords;
      store.deployments.listGraphRecords = async () => {
        const rows = await read();
        await gate;
        return rows;
      };
      const pending = reloading.reload();
      reloading.onDeploymentChanged(graphRecord('team-a/dev/late', { resource: svc, dependsOn: ['team-a/dev/x'] }));
      reloading.onDeploymentRemoved('team-d/dev/secret');
      release();
      await pending;
      expect(reloading.neededBy('team-a/dev/x')).toEqual(['team-a/dev/late']);
      expect(() => reloading.impact('team-d/dev/secret', { visibleTeams: '*' })).toThrow(
        expect.objectContaining({ name: 'NotFoundError' }),
      );
    });
  });
});
