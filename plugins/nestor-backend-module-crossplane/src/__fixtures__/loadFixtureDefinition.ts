import fs from 'node:fs';
import path from 'node:path';
import { ResourceDefinition, validateNestorDocument } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';

/** Reads a buffet item from this folder, validated as catalog sync would. */
export function loadFixtureDefinition(name: 'postgres-database' | 'object-bucket'): ResourceDefinition {
  const result = validateNestorDocument(YAML.parse(fs.readFileSync(path.join(__dirname, `${name}.yaml`), 'utf8')));
  if (!result.ok || result.document.kind !== 'ResourceDefinition') {
    throw new Error(`fixture ${name} is invalid: ${JSON.stringify(result)}`);
  }
  return result.document.value;
}
