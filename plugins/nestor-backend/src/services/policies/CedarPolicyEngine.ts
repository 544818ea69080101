import { LoggerService } from '@backstage/backend-plugin-api';
import { CedarValueJson, EntityJson, isAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyStore } from '@nestor/plugin-nestor-node';
import { compilePolicyFiles } from './compilePolicyFiles';
import { CompiledPolicy, DeterminingPolicy, PolicyRequest, PolicyVerdict } from './types';

const DEFAULT_PERMIT_ID = 'nestor:default-permit';

interface LoadedSet {
  fingerprint: string;
  global: CompiledPolicy[];
  byTeam: Map<string, CompiledPolicy[]>;
}

type LayerOutcome = { allowed: true } | { allowed: false; determining: DeterminingPolicy[] };

/** A JSON value as Cedar holds it: no nulls, integers only (fractions become strings). */
function toCedarValue(value: unknown): CedarValueJson | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toCedarValue).filter((v): v is CedarValueJson => v !== undefined);
  if (typeof value === 'object') return toCedarRecord(value as Record<string, unknown>);
  return String(value);
}

function toCedarRecord(value: Record<string, unknown>): Record<string, CedarValueJson> {
  const entries = Object.entries(value).map(([k, v]) => [k, toCedarValue(v)] as const);
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Record<string, CedarValueJson>;
}

/**
 * Evaluates Cedar policies synced from Git. Two layers are evaluated apart
 * and must both allow: the global policies, then the policies in the
 * deployment team's own folder. A layer without any `permit` allows what it
 * does not forbid; a layer with permits allows only what one of them
 * permits. So a global `forbid` always wins, and a team can only add
 * restrictions to what the global layer allows, never lift one.
 *
 * A forbid that fails to evaluate refuses (fail closed). The set in force is
 * the one last stored (sync stores only valid sets) and is re-read from the
 * store at most every `refreshMs`; should a stored set ever fail to compile
 * (say, after a schema change), the previous set stays in force, and with no
 * previous set every request is refused.
 * @public
 */
export class CedarPolicyEngine {
  readonly #store: PolicyStore;
  readonly #schema: string;
  readonly #logger: LoggerService;
  readonly #refreshMs: number;
  #loaded?: LoadedSet;
  #loadError?: string;
  #failedFingerprint?: string;
  #checkedAt = 0;
  #loading?: Promise<void>;

  static create(options: { store: PolicyStore; schema: string; logger: LoggerService; refreshMs?: number }) {
    return new CedarPolicyEngine(options);
  }

  private constructor(options: { store: PolicyStore; schema: string; logger: LoggerService; refreshMs?: number }) {
    this.#store = options.store;
    this.#schema = options.schema;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? 5000;
  }

  /** Makes the next evaluation re-read the store (after a local sync). */
  invalidate(): void {
    this.#checkedAt = 0;
  }

  /** The policies in force, global first. */
  async policies(): Promise<CompiledPolicy[]> {
    await this.#refresh();
    return this.#loaded ? [...this.#loaded.global, ...[...this.#loaded.byTeam.values()].flat()] : [];
  }

  async evaluate(request: PolicyRequest): Promise<PolicyVerdict> {
    await this.#refresh();
    const loaded = this.#loaded;
    if (!loaded) {
      return {
        allowed: false,
        determining: [{ id: 'nestor:invalid-policy-set', scope: 'global', message: `the stored policy set is invalid: ${this.#loadError}` }],
      };
    }
    const layers: Array<[string, CompiledPolicy[]]> = [
      ['global', loaded.global],
      [request.deployment.team, loaded.byTeam.get(request.deployment.team) ?? []],
    ];
    const determining: DeterminingPolicy[] = [];
    for (const [scope, policies] of layers) {
      const outcome = this.#evaluateLayer(scope, policies, request);
      if (!outcome.allowed) determining.push(...outcome.determining);
    }
    return { allowed: determining.length === 0, determining };
  }

  #evaluateLayer(scope: string, policies: CompiledPolicy[], request: PolicyRequest): LayerOutcome {
    if (policies.length === 0) return { allowed: true };
    // keyed by position: ids are unique per source, not across sources
    const byId = new Map(policies.map((p, i) => [`p${i}`, p]));
    const staticPolicies: Record<string, string> = Object.fromEntries([...byId].map(([key, p]) => [key, p.text]));
    const hasPermit = policies.some(p => p.effect === 'permit');
    if (!hasPermit) staticPolicies[DEFAULT_PERMIT_ID] = 'permit(principal, action, resource);';

    const answer = isAuthorized({
      principal: { type: 'Nestor::User', id: request.principal.id },
      action: { type: 'Nestor::Action', id: request.action },
      resource: { type: 'Nestor::Deployment', id: request.deployment.ref },
      context: {},
      // policies were validated against the schema at sync; the request is
      // evaluated without it because `parameters` is open-ended
      policies: { staticPolicies },
      entities: this.#entities(request),
    });
    if (answer.type === 'failure') {
      const message = answer.errors.map(e => e.message).join('; ');
      return { allowed: false, determining: [{ id: 'nestor:evaluation-failed', scope, message }] };
    }
    const determining: DeterminingPolicy[] = [];
    const describe = (p: CompiledPolicy, fallback: string): DeterminingPolicy => ({
      id: p.id,
      scope: p.scope,
      message: p.message ?? fallback,
      path: p.path,
      line: p.line,
    });
    for (const e of answer.response.diagnostics.errors) {
      const policy = byId.get(e.policyId);
      if (policy?.effect === 'forbid') {
        determining.push(describe(policy, `forbid policy failed to evaluate: ${e.error.message}`));
      }
    }
    if (answer.response.decision === 'deny') {
      // in file order, whatever order Cedar reports them in
      const reasons = policies.filter((_, i) => answer.response.diagnostics.reason.includes(`p${i}`));
      determining.push(...reasons.map(p => describe(p, `forbidden by policy ${p.id}`)));
      if (reasons.length === 0) {
        determining.push({ id: `nestor:no-permit:${scope}`, scope, message: `no ${scope} permit policy allows ${request.action} here` });
      }
    }
    return determining.length === 0 ? { allowed: true } : { allowed: false, determining };
  }

  #entities(request: PolicyRequest): EntityJson[] {
    const d = request.deployment;
    const teams = [...new Set([...request.principal.teams, d.team])];
    const teamUid = (id: string) => ({ type: 'Nestor::Team', id });
    return [
      ...teams.map(id => ({ uid: teamUid(id), attrs: {}, parents: [] })),
      {
        uid: { type: 'Nestor::User', id: request.principal.id },
        attrs: { isService: request.principal.isService },
        parents: request.principal.teams.map(teamUid),
      },
      {
        uid: { type: 'Nestor::Deployment', id: d.ref },
        attrs: {
          ref: d.ref,
          name: d.name,
          team: d.team,
          ownerTeam: { __entity: teamUid(d.team) },
          environment: d.environment,
          resourceName: d.resourceName,
          resourceVersion: d.resourceVersion,
          resourceType: d.resourceType,
          engine: d.engine,
          monthlyCost: Math.ceil(d.monthlyCost),
          parameters: toCedarRecord(d.parameters),
        },
        parents: [],
      },
    ];
  }

  async #refresh(): Promise<void> {
    if (Date.now() - this.#checkedAt < this.#refreshMs && (this.#loaded || this.#loadError)) return;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  async #load(): Promise<void> {
    const sets = await this.#store.listPolicySets();
    this.#checkedAt = Date.now();
    const fingerprint = sets
      .map(s => `${s.sourceId}@${s.commit}:${s.policies.length}`)
      .sort()
      .join(',');
    if (this.#loaded?.fingerprint === fingerprint || this.#failedFingerprint === fingerprint) return;
    const compiled = sets.map(s => compilePolicyFiles(s.policies, this.#schema));
    const policies = compiled.flatMap(c => c.policies);
    const errors = compiled.flatMap(c => c.errors);
    if (errors.length > 0) {
      this.#failedFingerprint = fingerprint;
      this.#loadError = errors.map(e => `${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}`).join('; ');
      this.#logger.error(`Stored Cedar policies do not compile; keeping the set in force: ${this.#loadError}`);
      return;
    }
    const byTeam = new Map<string, CompiledPolicy[]>();
    for (const p of policies.filter(x => x.scope !== 'global')) {
      byTeam.set(p.scope, [...(byTeam.get(p.scope) ?? []), p]);
    }
    this.#loaded = { fingerprint, global: policies.filter(p => p.scope === 'global'), byTeam };
    this.#loadError = undefined;
    this.#failedFingerprint = undefined;
    this.#logger.info(`Cedar policies in force: ${policies.length} (${fingerprint || 'none'})`);
  }
}
