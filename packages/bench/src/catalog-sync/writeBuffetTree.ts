import { promises as fs } from 'node:fs';
import path from 'node:path';
import { resourceDefinitionYaml } from '@nestor/test-utils';

/** Files of one item per definition, 100 to a folder: `defs/g-07/item-00712.yaml`. */
export function buffetItemPath(index: number): string {
  const id = String(index).padStart(5, '0');
  return `defs/g-${String(Math.floor(index / 100)).padStart(
    3,
    '0',
  )}/item-${id}.yaml`;
}

/** The definition of item `index`, at a given version. */
export function buffetItemYaml(index: number, version = '1.0.0'): string {
  const id = String(index).padStart(5, '0');
  return resourceDefinitionYaml(`item-${id}`, {
    owner: `team-${index % 20}`,
    title: `Item ${id}`,
    description: `Generated buffet item ${id} for the catalog sync benchmark`,
    tags: ['bench', `group-${index % 7}`],
    type: [
      'database.postgresql',
      'cache.redis',
      'messaging.queue',
      'network.vpc',
    ][index % 4],
    version,
    visibility: index % 5 === 0 ? [`team-${(index + 1) % 20}`] : 'public',
    requires:
      index % 4 === 0
        ? [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }]
        : [],
  });
}

/** Writes `count` definitions, one per file, into a work tree folder. */
export async function writeBuffetTree(
  dir: string,
  count: number,
): Promise<void> {
  const folders = new Set<string>();
  for (let i = 0; i < count; i++)
    folders.add(path.dirname(path.join(dir, buffetItemPath(i))));
  for (const folder of folders) await fs.mkdir(folder, { recursive: true });
  const batch = 200;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, (_, k) =>
        fs.writeFile(
          path.join(dir, buffetItemPath(start + k)),
          buffetItemYaml(start + k),
        ),
      ),
    );
  }
}
