import fs from 'node:fs';
import path from 'node:path';
import { ResourceDefinition, resourceDefinitionSchema } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';
import { findRepoRoot } from '../upstream/upstreamCrds';

/**
 * The `ResourceDefinition`s of the repository's `examples/resources` (the
 * example buffet of app-config.yaml), parsed, optionally only those of one engine;
 * engines check in their tests that every example item validates and renders.
 * @public
 */
export function readExampleResources(engine?: string): ResourceDefinition[] {
  const folder = path.join(findRepoRoot() ?? '.', 'examples', 'resources');
  return fs
    .readdirSync(folder)
    .filter(file => /\.ya?ml$/.test(file))
    .sort()
    .flatMap(file => YAML.parseAllDocuments(fs.readFileSync(path.join(folder, file), 'utf8')).map(document => document.toJS()))
    .filter(item => item?.kind === 'ResourceDefinition' && (engine === undefined || item.spec?.engine === engine))
    .map(item => resourceDefinitionSchema.parse(item));
}
