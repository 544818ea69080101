import fs from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';

/**
 * Validates JSON against a definition of Argo CD's swagger
 * (`../shared/upstream/argo-cd/swagger.json`), e.g. `v1alpha1Application`.
 * Swagger 2 schemas are JSON Schema with extensions; formats such as `int64`
 * are not checked, unknown properties are errors (`additionalProperties`
 * false is imposed) so a test server cannot invent fields, except on
 * `v1alpha1ResourceNode`: Argo CD embeds `ResourceRef` (group, version, kind,
 * namespace, name, uid) inline there and its swagger does not list those.
 * @public
 */
export class ArgoCdSwaggerValidator {
  readonly #ajv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  static fromUpstream(upstreamDir: string): ArgoCdSwaggerValidator {
    const swagger = JSON.parse(fs.readFileSync(path.join(upstreamDir, 'argo-cd', 'swagger.json'), 'utf8'));
    return new ArgoCdSwaggerValidator(swagger);
  }

  private constructor(swagger: { definitions: Record<string, Record<string, unknown>> }) {
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const definitions = Object.fromEntries(
      Object.entries(swagger.definitions).map(([k, v]) => [k, k !== 'v1alpha1ResourceNode' && v.type === 'object' && v.properties && !('additionalProperties' in v) ? { ...v, additionalProperties: false } : v]),
    );
    this.#ajv.addSchema({ $id: 'argocd', definitions });
  }

  /** The errors of `value` against the definition, empty when it conforms. */
  errors(definition: string, value: unknown): string[] {
    let validate = this.#compiled.get(definition);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `argocd#/definitions/${definition}` });
      this.#compiled.set(definition, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  }
}
