import { TeamStore } from '@nestor/plugin-nestor-node';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DefinitionCheck } from './DeploymentVerdictService';

/**
 * The schema step of a dry run: the parameters against the definition's
 * JSON Schema (every failing field), and the environment against those the
 * definition and the team allow.
 * @public
 */
export function createSchemaCheck(options: { teams: Pick<TeamStore, 'getTeam'> }): DefinitionCheck {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  return async ({ request, definition, teamRead }) => {
    const reasons: Array<{ code: string; field: string; message: string }> = [];
    const key = `${definition.metadata.name}@${definition.spec.version}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(definition.spec.parameters);
      compiled.set(key, validate);
    }
    if (!validate(structuredClone(request.parameters))) {
      for (const e of validate.errors ?? []) {
        const missing = e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
        const field = `parameters${`${e.instancePath}${missing}`.replace(/\//g, '.')}`;
        reasons.push({ code: 'INVALID_PARAMETER', field, message: `${field}: ${e.message}` });
      }
    }
    if (!definition.spec.environments.includes(request.environment)) {
      reasons.push({
        code: 'ENVIRONMENT_NOT_OFFERED',
        field: 'environment',
        message: `environment: ${definition.metadata.name} is offered in ${definition.spec.environments.join(', ')}, not ${request.environment}`,
      });
    }
    const team = teamRead ? teamRead.team : await options.teams.getTeam(request.team);
    if (!team) {
      reasons.push({ code: 'UNKNOWN_TEAM', field: 'team', message: `team: "${request.team}" has no TeamConfig` });
    } else if (!team.config.spec.environments.includes(request.environment)) {
      reasons.push({
        code: 'ENVIRONMENT_NOT_ENABLED',
        field: 'environment',
        message: `environment: team ${request.team} has environments ${team.config.spec.environments.join(', ')}, not ${request.environment}`,
      });
    }
    return { check: 'schema', allowed: reasons.length === 0, reasons };
  };
}
