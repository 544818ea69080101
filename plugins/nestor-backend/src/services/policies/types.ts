import { SourceFileError } from '@nestor/plugin-nestor-common';
import { StoredPolicy } from '@nestor/plugin-nestor-node';

/** The Cedar actions Nestor asks about. @public */
export type PolicyAction = 'deploy' | 'update' | 'destroy' | 'rollback';

/**
 * One authorization question for the policy engine.
 * @public
 */
export interface PolicyRequest {
  action: PolicyAction;
  principal: {
    /** user entity ref, or `service:<subject>` */
    id: string;
    isService: boolean;
    /** the teams the principal acts for (resolve `'*'` to the known teams first) */
    teams: string[];
  };
  deployment: {
    ref: string;
    name: string;
    team: string;
    environment: string;
    resourceName: string;
    resourceVersion: string;
    resourceType: string;
    engine: string;
    monthlyCost: number;
    parameters: Record<string, unknown>;
  };
}

/**
 * A policy that decided a refusal, or a rule of the engine itself (ids
 * starting with `nestor:`).
 * @public
 */
export interface DeterminingPolicy {
  id: string;
  /** `global` or the team whose folder holds the policy */
  scope: string;
  message: string;
  path?: string;
  line?: number;
}

/** The engine's answer. @public */
export interface PolicyVerdict {
  allowed: boolean;
  /** on refusal, every policy that refused */
  determining: DeterminingPolicy[];
}

/** A policy after parsing and validation. @public */
export interface CompiledPolicy {
  id: string;
  scope: string;
  path: string;
  line: number;
  effect: 'permit' | 'forbid';
  message?: string;
  text: string;
}

/**
 * The hook catalog sync calls with a source's policy files before it stores
 * them; a set with errors is not stored, so the last valid set stays in force.
 * @public
 */
export type PolicySetValidator = (
  files: StoredPolicy[],
) => Promise<{ ok: true } | { ok: false; errors: SourceFileError[] }>;
