import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Fills in the defaults of a buffet item's parameter schema (nested ones
 * too), as the deployment is persisted and rendered with them. Validity is
 * the schema admission check's business; this only applies defaults.
 * @public
 */
export class ParameterDefaults {
  readonly #ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true });
  readonly #compiled = new Map<string, ValidateFunction>();

  static create(): ParameterDefaults {
    return new ParameterDefaults();
  }

  private constructor() {
    addFormats(this.#ajv);
  }

  apply(definition: ResourceDefinition, parameters: Record<string, unknown>): Record<string, unknown> {
    const key = `${definition.metadata.name}@${definition.spec.version}:${JSON.stringify(definition.spec.parameters)}`;
    let validate = this.#compiled.get(key);
    if (!validate) {
      validate = this.#ajv.compile(definition.spec.parameters);
      this.#compiled.set(key, validate);
    }
    const copy = structuredClone(parameters);
    validate(copy);
    return copy;
  }
}
