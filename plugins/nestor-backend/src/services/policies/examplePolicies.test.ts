import fs from 'node:fs';
import path from 'node:path';
import { StoredPolicy } from '@nestor/plugin-nestor-node';
import { compilePolicyFiles } from './compilePolicyFiles';
import { loadCedarSchema } from './loadCedarSchema';

const examples = path.resolve(__dirname, '../../../../../examples/policies');

/** `policies/*.cedar` are global, `policies/<team>/*.cedar` a team's own. */
function readPolicies(dir: string, prefix = ''): StoredPolicy[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) return readPolicies(path.join(dir, entry.name), rel);
    if (!entry.name.endsWith('.cedar')) return [];
    const scope = rel.includes('/') ? rel.split('/')[0] : 'global';
    return [{ scope, path: `policies/${rel}`, text: fs.readFileSync(path.join(dir, entry.name), 'utf8') }];
  });
}

(fs.existsSync(examples) ? describe : describe.skip)('the example policies in examples/policies', () => {
  it('all fit the shipped Cedar schema', () => {
    const files = readPolicies(examples);
    const { policies, errors } = compilePolicyFiles(files, loadCedarSchema());
    expect(errors).toEqual([]);
    expect(policies.length).toBeGreaterThanOrEqual(files.length);
  });
});
