import type {
  CatalogItem,
  CatalogItemVersion,
  Deployment,
  NestorEvent,
  TeamSummary,
} from '@nestor/plugin-nestor-common';

/** A buffet item as the API serves it. */
export function catalogItem(
  name: string,
  overrides: {
    title?: string;
    description?: string;
    owner?: string;
    tags?: string[];
    type?: string;
    engine?: string;
    version?: string;
    environments?: string[];
    monthly?: number;
    parameters?: Record<string, unknown>;
    visibility?: { public: true } | { teams: string[] };
    requires?: Array<{ type: string; version: string }>;
    outputs?: string[];
  } = {},
): CatalogItem {
  return {
    name,
    definition: {
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'ResourceDefinition',
      metadata: {
        name,
        title: overrides.title,
        description: overrides.description,
        owner: overrides.owner ?? 'team-platform',
        tags: overrides.tags ?? [],
      },
      spec: {
        type: overrides.type ?? 'database.postgresql',
        version: overrides.version ?? '1.4.0',
        engine: overrides.engine ?? 'crossplane',
        parameters: overrides.parameters ?? { type: 'object', properties: {} },
        outputs: overrides.outputs ?? [],
        requires: overrides.requires ?? [],
        visibility: overrides.visibility ?? { public: true },
        environments: overrides.environments ?? ['dev', 'staging', 'prod'],
        cost:
          overrides.monthly === undefined
            ? undefined
            : { monthly: overrides.monthly, currency: 'USD' },
      },
    } as CatalogItem['definition'],
    source: {
      id: 'examples',
      url: 'https://git.acme.example/platform/buffet.git',
      path: `resources/${name}.yaml`,
      commit: '0123456789abcdef0123456789abcdef01234567',
    },
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-02-01T10:00:00.000Z',
  };
}

/** One entry of an item's version history. */
export function itemVersion(
  item: CatalogItem,
  version: string,
  change: CatalogItemVersion['change'],
  changedFields: string[] = [],
): CatalogItemVersion {
  return {
    name: item.name,
    version,
    commit: `${version.replace(/\./g, '')}abcdef0123456789`,
    syncedAt: '2025-02-01T10:00:00.000Z',
    change,
    changedFields,
    definition: {
      ...item.definition,
      spec: { ...item.definition.spec, version },
    },
  };
}

/** A deployment as the API serves it. */
export function deployment(
  ref: string,
  overrides: Partial<Deployment> = {},
): Deployment {
  const [teamId, environment, name] = ref.split('/');
  return {
    id: `id-${name}-${environment}`,
    ref,
    team: teamId,
    environment,
    name,
    resource: {
      name: 'postgres-database',
      version: '1.4.0',
      type: 'database.postgresql',
      requestedVersion: '^1.4.0',
    },
    engine: 'crossplane',
    delivery: 'gitops',
    parameters: { size: 'small' },
    dependsOn: [],
    phase: 'Pending',
    conditions: [],
    history: [{ phase: 'Pending', at: '2025-03-01T09:00:00.000Z' }],
    revisions: [],
    currentRevision: 0,
    outputs: {},
    monthlyCost: 120,
    attempts: 0,
    requestedBy: 'user:default/guest',
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** A team with the caller's permissions in each of its environments. */
export function team(
  id: string,
  perms: Record<
    string,
    Partial<{
      read: boolean;
      deploy: boolean;
      update: boolean;
      destroy: boolean;
    }>
  >,
): TeamSummary {
  const environments: TeamSummary['permissions']['environments'] = {};
  for (const [env, p] of Object.entries(perms)) {
    environments[env] = {
      read: p.read ?? true,
      deploy: p.deploy ?? false,
      update: p.update ?? false,
      destroy: p.destroy ?? false,
    };
  }
  const all = Object.values(environments);
  return {
    id,
    permissions: {
      member: all.some(p => p.deploy),
      read: all.some(p => p.read),
      deploy: all.some(p => p.deploy),
      environments,
    },
  };
}

let eventId = 100;

/** A `deployment.*` event carrying the deployment, as the backend sends it. */
export function deploymentEvent(
  type:
    | 'deployment.created'
    | 'deployment.phase'
    | 'deployment.completed'
    | 'deployment.failed',
  d: Deployment,
): NestorEvent {
  eventId += 1;
  return {
    id: eventId,
    type,
    team: d.team,
    ref: d.ref,
    time: d.updatedAt,
    payload: { deployment: d },
  };
}
