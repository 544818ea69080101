import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalSourceReader } from './LocalSourceReader';

describe('LocalSourceReader', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-local-'));
    await fs.mkdir(path.join(root, 'buffet/deep'), { recursive: true });
    await fs.mkdir(path.join(root, 'buffet/.git'), { recursive: true });
    await fs.writeFile(path.join(root, 'buffet/a.yaml'), 'a: 1\n');
    await fs.writeFile(path.join(root, 'buffet/deep/b.yaml'), 'b: 1\n');
    await fs.writeFile(path.join(root, 'buffet/.git/config'), 'x');
    await fs.writeFile(path.join(root, 'outside.yaml'), 'o: 1\n');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists every file below the sub-path on a first read, skipping .git', async () => {
    const reader = LocalSourceReader.create({ path: root, subPath: 'buffet' });
    const snapshot = await reader.read({});
    expect(snapshot.changes.full).toBe(true);
    expect(snapshot.changes.changed.sort()).toEqual(['buffet/a.yaml', 'buffet/deep/b.yaml']);
    expect(snapshot.commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await snapshot.readFiles(['buffet/deep/b.yaml'])).get('buffet/deep/b.yaml')?.toString()).toBe('b: 1\n');
  });

  it('reports only what changed since the synced snapshot, and the same fingerprint for the same content', async () => {
    const reader = LocalSourceReader.create({ path: root, subPath: 'buffet' });
    const first = await reader.read({});
    await reader.markSynced(first.commit);
    expect((await reader.read({ sinceCommit: first.commit })).changes).toEqual({ full: false, changed: [], deleted: [] });

    await fs.writeFile(path.join(root, 'buffet/a.yaml'), 'a: 2\n');
    await fs.rm(path.join(root, 'buffet/deep/b.yaml'));
    await fs.writeFile(path.join(root, 'buffet/c.yaml'), 'c: 1\n');
    const second = await reader.read({ sinceCommit: first.commit });
    expect(second.commit).not.toBe(first.commit);
    expect(second.changes.full).toBe(false);
    expect(second.changes.changed.sort()).toEqual(['buffet/a.yaml', 'buffet/c.yaml']);
    expect(second.changes.deleted).toEqual(['buffet/deep/b.yaml']);
    expect((await second.readFiles(['buffet/a.yaml'])).get('buffet/a.yaml')?.toString()).toBe('a: 2\n');

    // not marked synced: the next read still diffs against the first snapshot
    const again = await reader.read({ sinceCommit: first.commit });
    expect(again.commit).toBe(second.commit);
    expect(again.changes.deleted).toEqual(['buffet/deep/b.yaml']);
  });

  it('reads everything when the base is not the snapshot it synced last (a restart, another replica)', async () => {
    const reader = LocalSourceReader.create({ path: root, subPath: 'buffet' });
    const snapshot = await reader.read({ sinceCommit: 'f'.repeat(40) });
    expect(snapshot.changes.full).toBe(true);
  });

  it('fails clearly when the folder does not exist', async () => {
    const reader = LocalSourceReader.create({ path: path.join(root, 'nope') });
    await expect(reader.read({})).rejects.toThrow(/cannot read folder .*nope/);
  });
});
