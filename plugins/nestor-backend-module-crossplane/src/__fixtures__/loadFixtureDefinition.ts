import fs from 'node:fs';
import path from 'node:path';
import { ResourceDefinition, validateNestorDocument } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';

/** Reads a buffet item from this folder, validated as catalog sync would. */
export function loadFixtureDefinition(name: 'postgres-database' | 'object-bucket'): ResourceDefinition {
  // eslint-disable-next-line no-restricted-syntax -- a test fixture, read from the source tree, never part of a build
  const file = path.join(__dirname, `${name}.yaml`);
  const result = validateNestorDocument(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!result.ok || result.document.kind !== 'ResourceDefinition') {
    throw new Error(`fixture ${name} is invalid: ${JSON.stringify(result)}`);
  }
  return result.document.value;
}
