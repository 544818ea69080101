import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { checkParseSchema } from '@cedar-policy/cedar-wasm/nodejs';
import fs from 'node:fs';

/**
 * Reads `nestor.cedarschema`, shipped at the root of this package, and
 * checks that Cedar can parse it.
 * @public
 */
export function loadCedarSchema(): string {
  const file = resolvePackagePath('@nestor/plugin-nestor-backend', 'nestor.cedarschema');
  const text = fs.readFileSync(file, 'utf8');
  const parsed = checkParseSchema(text);
  if (parsed.type === 'failure') {
    throw new Error(`Invalid Cedar schema ${file}: ${parsed.errors.map(e => e.message).join('; ')}`);
  }
  return text;
}
