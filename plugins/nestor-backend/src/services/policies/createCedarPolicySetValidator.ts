import { compilePolicyFiles } from './compilePolicyFiles';
import { PolicySetValidator } from './types';

/**
 * The {@link PolicySetValidator} catalog sync runs before storing a source's
 * policy files: every file must parse and fit the Cedar schema, with unique
 * policy ids. On errors nothing is stored, so the previous set stays in force.
 * @public
 */
export function createCedarPolicySetValidator(options: { schema: string }): PolicySetValidator {
  return async files => {
    const { errors } = compilePolicyFiles(files, options.schema);
    return errors.length > 0 ? { ok: false, errors } : { ok: true };
  };
}
