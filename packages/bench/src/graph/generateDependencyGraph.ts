import {
  NESTOR_API_VERSION,
  ResourceDefinition,
  TeamConfig,
} from '@nestor/plugin-nestor-common';
// eslint-disable-next-line @backstage/no-forbidden-package-imports -- not exported by the package index (yet)
import type { DependencyGraphRecord } from '@nestor/plugin-nestor-backend/src/services/dependencies/types';

/** A synthetic organisation's deployments, definitions and teams. */
export interface GeneratedGraph {
  records: DependencyGraphRecord[];
  definitions: ResourceDefinition[];
  teams: Array<{ id: string; config: TeamConfig }>;
  edgeCount: number;
  /** the ref impact analysis starts from: the base deployment with the most direct dependents */
  impactRef: string;
}

const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const PLATFORM_TEAMS = 10;
const APP_TEAMS = 190;
const BASE_TYPES = 10;
const APP_TYPES = 40;
const GRANT_SPAN = 20;

/**
 * A deterministic acyclic dependency graph shaped like a real organisation:
 * 10 platform teams own the base resources (types every app type requires)
 * and grant everyone; 190 app teams each grant the next 20 teams. Every app
 * deployment depends on a base deployment of the type its definition
 * requires, in its environment, plus other granted deployments; about one
 * edge in a thousand points at a deployment that does not exist.
 */
export function generateDependencyGraph(
  nodeCount: number,
  edgeCount: number,
): GeneratedGraph {
  let seed = 0x2545f491;
  const random = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const teamName = (t: number) =>
    t < PLATFORM_TEAMS ? `platform-${t}` : `team-${String(t).padStart(3, '0')}`;
  const grants = (owner: number, dependent: number) =>
    owner === dependent ||
    owner < PLATFORM_TEAMS ||
    (dependent - owner + APP_TEAMS * 2) % APP_TEAMS <= GRANT_SPAN;

  const definitions: ResourceDefinition[] = [];
  for (let k = 0; k < BASE_TYPES + APP_TYPES; k++) {
    const base = k < BASE_TYPES;
    definitions.push({
      apiVersion: NESTOR_API_VERSION,
      kind: 'ResourceDefinition',
      metadata: {
        name: base ? `base-${k}` : `app-${k}`,
        owner: base ? teamName(k % PLATFORM_TEAMS) : 'platform-0',
        tags: [],
      },
      spec: {
        type: base ? `base.type${k}` : `app.type${k}`,
        version: `1.${k % 5}.0`,
        engine: 'helm',
        helm: {
          repo: 'https://charts.example.com',
          chart: `c${k}`,
          version: '1.0.0',
        },
        parameters: { type: 'object', properties: {} },
        outputs: [],
        requires: base
          ? []
          : [{ type: `base.type${k % BASE_TYPES}`, version: '^1.0.0' }],
        visibility: { public: true },
        environments: ENVIRONMENTS,
      },
    });
  }

  const perNode = edgeCount / nodeCount;
  const nodeTeam = new Int32Array(nodeCount);
  const byEnvironment: number[][] = ENVIRONMENTS.map(() => []);
  const basesByEnvironmentAndType: number[][][] = ENVIRONMENTS.map(() =>
    Array.from({ length: BASE_TYPES }, () => []),
  );
  const refs: string[] = [];
  const records: DependencyGraphRecord[] = [];
  const directDependents = new Int32Array(nodeCount);
  let edges = 0;
  for (let i = 0; i < nodeCount; i++) {
    const env = i % ENVIRONMENTS.length;
    const base = i < nodeCount / 10 || i % 10 === 0;
    const k = base ? random(BASE_TYPES) : BASE_TYPES + random(APP_TYPES);
    const team = base
      ? random(PLATFORM_TEAMS)
      : PLATFORM_TEAMS + random(APP_TEAMS - PLATFORM_TEAMS);
    nodeTeam[i] = team;
    const ref = `${teamName(team)}/${ENVIRONMENTS[env]}/n${i}`;
    refs.push(ref);
    const targets: number[] = [];
    const earlier = byEnvironment[env];
    if (!base) {
      const candidates = basesByEnvironmentAndType[env][k % BASE_TYPES];
      if (candidates.length > 0)
        targets.push(candidates[random(candidates.length)]);
    }
    // spread the remaining edges so that the total lands on edgeCount
    const wanted = Math.floor(perNode * (i + 1)) - Math.floor(perNode * i);
    for (
      let tries = 0;
      targets.length < wanted && earlier.length > 0 && tries < wanted * 8;
      tries++
    ) {
      const j = earlier[random(earlier.length)];
      if (!targets.includes(j) && grants(nodeTeam[j], team)) targets.push(j);
    }
    const dependsOn = targets.map(j => refs[j]);
    for (const j of targets) directDependents[j]++;
    if (random(1000) === 0)
      dependsOn.push(`${teamName(team)}/${ENVIRONMENTS[env]}/missing-${i}`);
    edges += dependsOn.length;
    const definition = definitions[k];
    records.push({
      id: `d${i}`,
      ref,
      team: teamName(team),
      environment: ENVIRONMENTS[env],
      resource: {
        name: definition.metadata.name,
        version: definition.spec.version,
        type: definition.spec.type,
      },
      phase: 'Ready',
      dependsOn,
    });
    earlier.push(i);
    if (base) basesByEnvironmentAndType[env][k].push(i);
  }

  const teams: GeneratedGraph['teams'] = [];
  for (let t = 0; t < PLATFORM_TEAMS + APP_TEAMS; t++) {
    const granted =
      t < PLATFORM_TEAMS
        ? Array.from({ length: PLATFORM_TEAMS + APP_TEAMS }, (_, d) =>
            teamName(d),
          )
        : Array.from({ length: PLATFORM_TEAMS + APP_TEAMS }, (_, d) => d)
            .filter(d => d !== t && grants(t, d))
            .map(teamName);
    teams.push({
      id: teamName(t),
      config: {
        apiVersion: NESTOR_API_VERSION,
        kind: 'TeamConfig',
        metadata: { name: teamName(t) },
        spec: {
          environments: ENVIRONMENTS,
          quotas: {},
          delivery: 'gitops',
          grants: granted,
        },
      },
    });
  }
  let hub = 0;
  for (let i = 0; i < Math.min(nodeCount, 1000); i++)
    if (directDependents[i] > directDependents[hub]) hub = i;
  return {
    records,
    definitions,
    teams,
    edgeCount: edges,
    impactRef: refs[hub],
  };
}
