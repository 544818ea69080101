import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/** The repository's `examples/` folder. */
export const EXAMPLES_DIR = path.resolve(__dirname, '../../../../examples');

const RESOURCES = ['network-vpc', 'postgres-database', 'web-service'];
const TEAMS = ['team-platform', 'team-payments', 'team-checkout'];
const ENGINE_BLOCKS = ['crossplane', 'helm', 'pulumi', 'terraform'];

/**
 * A buffet folder made of the examples' own documents: the VPC, PostgreSQL
 * and web service items and the platform, payments and checkout teams, with
 * two changes so the chain can run here: the items use the `test` engine
 * (`testEngineModule`) instead of Crossplane and Helm, and the teams deliver
 * directly instead of through their GitOps repositories. Parameters,
 * requirements, versions, quotas and grants are the examples'.
 */
export async function writeTestBuffet(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-scaffolder-'));
  await fs.mkdir(path.join(dir, 'resources'));
  await fs.mkdir(path.join(dir, 'teams'));
  for (const name of RESOURCES) {
    const doc = parse(
      await fs.readFile(
        path.join(EXAMPLES_DIR, 'resources', `${name}.yaml`),
        'utf8',
      ),
    );
    doc.spec.engine = 'test';
    for (const block of ENGINE_BLOCKS) delete doc.spec[block];
    await fs.writeFile(
      path.join(dir, 'resources', `${name}.yaml`),
      stringify(doc),
    );
  }
  for (const name of TEAMS) {
    const doc = parse(
      await fs.readFile(
        path.join(EXAMPLES_DIR, 'teams', `${name}.yaml`),
        'utf8',
      ),
    );
    doc.spec.delivery = 'direct';
    delete doc.spec.gitops;
    await fs.writeFile(path.join(dir, 'teams', `${name}.yaml`), stringify(doc));
  }
  return dir;
}
