import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { GitHttpServer, GitWorkTree } from '@nestor/test-utils';
import { GitOpsConflictError } from './GitOpsConflictError';
import { GitRepositoryCommitter } from './GitRepositoryCommitter';

// Real Git: bare repositories served over HTTP by `git http-backend`, read
// back with the git CLI.
describe('GitRepositoryCommitter', () => {
  let server: GitHttpServer;
  let repo: string;
  const dirs: string[] = [];
  const trees: GitWorkTree[] = [];

  function committer(options: { maxAttempts?: number; credentials?: () => Promise<{ username: string; password: string }> } = {}) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-gitops-'));
    dirs.push(workDir);
    return GitRepositoryCommitter.create({ workDir, author: { name: 'Nestor', email: 'nestor@example.org' }, ...options });
  }

  async function checkout(): Promise<GitWorkTree> {
    const tree = await GitWorkTree.create(server.authenticatedUrl('infra'));
    trees.push(tree);
    await tree.git('fetch', '--quiet', 'origin', 'main');
    await tree.git('checkout', '--quiet', '-B', 'main', 'origin/main');
    return tree;
  }

  beforeEach(async () => {
    server = await GitHttpServer.start();
    repo = await server.createRepo('infra');
  });
  afterEach(async () => {
    for (const t of trees.splice(0)) await t.remove();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    await server.stop();
  });

  const claim = (name: string, size = 'small') => ({ path: 'claim.yaml', content: `kind: PostgresDatabase\nmetadata:\n  name: ${name}\nspec:\n  size: ${size}\n` });

  it('commits folders into an empty repository, then commits nothing when the content is already there', async () => {
    const c = committer();
    expect(await c.readFolder(repo, 'main', 'nestor')).toEqual(new Map());
    const first = await c.commit({
      repo,
      branch: 'main',
      message: 'nestor: deploy team-a/dev/orders-db (revision 1) by user:default/jane\n',
      folders: [{ path: 'nestor/dev/orders-db', files: [claim('orders-db'), { path: 'extra/notes.txt', content: 'hi\n' }] }],
    });
    expect(first).toMatchObject({ changed: true, attempts: 1 });
    const tree = await checkout();
    expect(await tree.head()).toBe(first.commit);
    expect(fs.readFileSync(path.join(tree.dir, 'nestor/dev/orders-db/claim.yaml'), 'utf8')).toContain('name: orders-db');
    expect(fs.readFileSync(path.join(tree.dir, 'nestor/dev/orders-db/extra/notes.txt'), 'utf8')).toBe('hi\n');
    expect(await tree.git('log', '-1', '--format=%an <%ae>|%s')).toBe('Nestor <nestor@example.org>|nestor: deploy team-a/dev/orders-db (revision 1) by user:default/jane');

    const again = await c.commit({ repo, branch: 'main', message: 'again', folders: [{ path: 'nestor/dev/orders-db', files: [claim('orders-db'), { path: 'extra/notes.txt', content: 'hi\n' }] }] });
    expect(again).toEqual({ commit: first.commit, changed: false, attempts: 0 });
    expect(await c.readFolder(repo, 'main', 'nestor/dev/orders-db')).toEqual(
      new Map([
        ['claim.yaml', claim('orders-db').content],
        ['extra/notes.txt', 'hi\n'],
      ]),
    );
  });

  it('replaces a folder exactly and removes an emptied one, leaving other files alone', async () => {
    const c = committer();
    await c.commit({ repo, branch: 'main', message: 'one', folders: [{ path: 'nestor/dev/a', files: [claim('a'), { path: 'old.yaml', content: 'x' }] }] });
    const tree = await checkout();
    await tree.commitAndPush({ 'README.md': '# infra\n' }, 'human edit');
    await c.commit({
      repo,
      branch: 'main',
      message: 'two',
      folders: [
        { path: 'nestor/dev/a', files: [claim('a', 'large')] },
        { path: 'nestor/dev/b', files: [claim('b')] },
      ],
    });
    await tree.git('pull', '--quiet', 'origin', 'main');
    expect(fs.existsSync(path.join(tree.dir, 'nestor/dev/a/old.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(tree.dir, 'nestor/dev/a/claim.yaml'), 'utf8')).toContain('size: large');
    expect(fs.readFileSync(path.join(tree.dir, 'README.md'), 'utf8')).toBe('# infra\n');

    await c.commit({ repo, branch: 'main', message: 'three', folders: [{ path: 'nestor/dev/a', files: [] }] });
    await tree.git('pull', '--quiet', 'origin', 'main');
    expect(fs.existsSync(path.join(tree.dir, 'nestor/dev/a'))).toBe(false);
    expect(fs.existsSync(path.join(tree.dir, 'nestor/dev/b/claim.yaml'))).toBe(true);
  });

  it('removes the last folder of the repository: the commit has the empty tree, and removing it again commits nothing', async () => {
    const c = committer();
    const first = await c.commit({ repo, branch: 'main', message: 'deploy', folders: [{ path: 'nestor/dev/a', files: [claim('a')] }] });
    const removed = await c.commit({ repo, branch: 'main', message: 'delete', folders: [{ path: 'nestor/dev/a', files: [] }] });
    expect(removed).toMatchObject({ changed: true, attempts: 1 });
    const tree = await checkout();
    expect(await tree.head()).toBe(removed.commit);
    expect(await tree.git('log', '--format=%s|%P')).toBe(`delete|${first.commit}\ndeploy|`);
    expect(await tree.git('ls-tree', '-r', '--name-only', 'HEAD')).toBe('');
    expect((await tree.git('rev-parse', 'HEAD^{tree}')).trim()).toBe(await tree.git('hash-object', '-t', 'tree', '/dev/null'));
    expect(await c.readFolder(repo, 'main', 'nestor/dev/a')).toEqual(new Map());
    expect(await c.commit({ repo, branch: 'main', message: 'delete again', folders: [{ path: 'nestor/dev/a', files: [] }] })).toEqual({ commit: removed.commit, changed: false, attempts: 0 });
    // and a later deployment starts again from there
    const next = await c.commit({ repo, branch: 'main', message: 'deploy b', folders: [{ path: 'nestor/dev/b', files: [claim('b')] }] });
    await tree.git('pull', '--quiet', 'origin', 'main');
    expect(await tree.git('ls-tree', '-r', '--name-only', next.commit)).toBe('nestor/dev/b/claim.yaml');
  });

  it('rebases on a branch that moved (non-fast-forward push) and commits once', async () => {
    const c = committer();
    await c.commit({ repo, branch: 'main', message: 'first', folders: [{ path: 'nestor/dev/a', files: [claim('a')] }] });
    const human = await checkout();
    const theirs = await human.commitAndPush({ 'nestor/prod/other/claim.yaml': 'kind: X\n' }, 'someone else');

    const result = await c.commit({ repo, branch: 'main', message: 'deploy b', folders: [{ path: 'nestor/dev/b', files: [claim('b')] }] });
    expect(result).toMatchObject({ changed: true, attempts: 2 });
    await human.git('pull', '--quiet', 'origin', 'main');
    const log = (await human.git('log', '--format=%s|%P')).split('\n');
    expect(log.map(l => l.split('|')[0])).toEqual(['deploy b', 'someone else', 'first']);
    expect(log[0].split('|')[1]).toBe(theirs);
    expect(fs.existsSync(path.join(human.dir, 'nestor/prod/other/claim.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(human.dir, 'nestor/dev/b/claim.yaml'))).toBe(true);
  });

  it('loses nothing when two replicas commit to one branch at the same time', async () => {
    const a = committer();
    const b = committer();
    await a.commit({ repo, branch: 'main', message: 'seed', folders: [{ path: 'nestor/seed', files: [claim('seed')] }] });
    await Promise.all(
      [0, 1, 2, 3].flatMap(i => [
        a.commit({ repo, branch: 'main', message: `a${i}`, folders: [{ path: `nestor/dev/a${i}`, files: [claim(`a${i}`)] }] }),
        b.commit({ repo, branch: 'main', message: `b${i}`, folders: [{ path: `nestor/dev/b${i}`, files: [claim(`b${i}`)] }] }),
      ]),
    );
    const tree = await checkout();
    const subjects = (await tree.git('log', '--format=%s')).split('\n');
    expect(subjects.sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3', 'seed']);
    expect(fs.readdirSync(path.join(tree.dir, 'nestor/dev')).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3']);
  }, 60_000);

  it('gives up with a transient error when the branch keeps moving past its attempts', async () => {
    const c = committer({ maxAttempts: 1 });
    await c.commit({ repo, branch: 'main', message: 'first', folders: [{ path: 'nestor/dev/a', files: [claim('a')] }] });
    const human = await checkout();
    await human.commitAndPush({ 'x.txt': 'x' }, 'moved');
    const error = await c.commit({ repo, branch: 'main', message: 'b', folders: [{ path: 'nestor/dev/b', files: [claim('b')] }] }).catch(e => e);
    expect(error).toBeInstanceOf(TransientEngineError);
    expect(error.message).toContain('rejected 1 times');
  });

  it('uses credentials, and fails without retry when they are refused', async () => {
    await server.stop();
    server = await GitHttpServer.start({ auth: { username: 'nestor', password: 's3cret' } });
    repo = await server.createRepo('infra');
    const good = committer({ credentials: async () => ({ username: 'nestor', password: 's3cret' }) });
    expect((await good.commit({ repo, branch: 'main', message: 'm', folders: [{ path: 'x', files: [claim('x')] }] })).changed).toBe(true);
    const bad = committer({ credentials: async () => ({ username: 'nestor', password: 'wrong' }) });
    const error = await bad.commit({ repo, branch: 'main', message: 'm', folders: [{ path: 'y', files: [claim('y')] }] }).catch(e => e);
    expect(error).not.toBeInstanceOf(TransientEngineError);
    expect(error.message).toMatch(/GitOps fetch .* failed: the server refused the credentials/);
    expect(error.message).not.toContain('wrong');
  });

  it('rebases onto a concurrent edit of another file in the same folder, keeping both changes', async () => {
    const c = committer();
    await c.commit({ repo, branch: 'main', message: 'r1', folders: [{ path: 'nestor/dev/a', files: [claim('a'), { path: 'notes.txt', content: 'v1\n' }] }] });
    const human = await checkout();
    await human.commitAndPush({ 'nestor/dev/a/notes.txt': 'edited by hand\n' }, 'hand edit');
    const result = await c.commit({ repo, branch: 'main', message: 'r2', folders: [{ path: 'nestor/dev/a', files: [claim('a', 'large'), { path: 'notes.txt', content: 'v1\n' }] }] });
    expect(result).toMatchObject({ changed: true, attempts: 2 });
    await human.git('pull', '--quiet', 'origin', 'main');
    expect(fs.readFileSync(path.join(human.dir, 'nestor/dev/a/notes.txt'), 'utf8')).toBe('edited by hand\n');
    expect(fs.readFileSync(path.join(human.dir, 'nestor/dev/a/claim.yaml'), 'utf8')).toContain('size: large');
  });

  it('fails without retry, naming the files, when a concurrent commit changed the same file differently', async () => {
    const c = committer();
    await c.commit({ repo, branch: 'main', message: 'r1', folders: [{ path: 'nestor/dev/a', files: [claim('a'), { path: 'values.yaml', content: 'replicas: 1\n' }] }] });
    const human = await checkout();
    const theirs = await human.commitAndPush({ 'nestor/dev/a/claim.yaml': 'kind: PostgresDatabase\nspec:\n  size: medium\n' }, 'hand edit');
    const error = await c
      .commit({ repo, branch: 'main', message: 'r2', folders: [{ path: 'nestor/dev/a', files: [claim('a', 'large'), { path: 'values.yaml', content: 'replicas: 2\n' }] }] })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitOpsConflictError);
    expect(error).not.toBeInstanceOf(TransientEngineError);
    expect(error.files).toEqual(['nestor/dev/a/claim.yaml']);
    expect(error.message).toContain('nestor/dev/a/claim.yaml');
    expect(await (await checkout()).head()).toBe(theirs);
  });

  it('starts a new branch from its base branch (a pull-request branch)', async () => {
    const c = committer();
    const main = await c.commit({ repo, branch: 'main', message: 'seed', folders: [{ path: 'nestor/dev/a', files: [claim('a')] }] });
    const pr = await c.commit({ repo, branch: 'nestor/team-a/dev/b-r1', baseBranch: 'main', message: 'deploy b', folders: [{ path: 'nestor/dev/b', files: [claim('b')] }] });
    const tree = await checkout();
    await tree.git('fetch', '--quiet', 'origin', 'nestor/team-a/dev/b-r1');
    expect(await tree.git('log', '--format=%H', 'FETCH_HEAD')).toBe(`${pr.commit}\n${main.commit}`);
  });

  it('pushes no branch for a change its base branch already has', async () => {
    const c = committer();
    const main = await c.commit({ repo, branch: 'main', message: 'seed', folders: [{ path: 'nestor/_platform/cache', files: [claim('xrd')] }] });
    const again = await c.commit({ repo, branch: 'nestor/_platform/cache-1.0.0', baseBranch: 'main', message: 'publish', folders: [{ path: 'nestor/_platform/cache', files: [claim('xrd')] }] });
    expect(again).toEqual({ commit: main.commit, changed: false, attempts: 0, alreadyOnBase: true });
    const tree = await checkout();
    expect(await tree.git('ls-remote', '--heads', 'origin')).toBe(`${main.commit}\trefs/heads/main`);
  });

  it('names the files a pull-request branch and its base changed differently since the branch started', async () => {
    const c = committer();
    await c.commit({ repo, branch: 'main', message: 'r1', folders: [{ path: 'nestor/dev/a', files: [claim('a'), { path: 'notes.txt', content: 'v1\n' }] }] });
    const branch = 'nestor/team-a/dev/a/r2';
    const pr = await c.commit({ repo, branch, baseBranch: 'main', message: 'r2', folders: [{ path: 'nestor/dev/a', files: [claim('a', 'large'), { path: 'notes.txt', content: 'v1\n' }, { path: 'new.yaml', content: 'n: 1\n' }] }] });
    const ask = (on: GitRepositoryCommitter) => on.conflictingFiles({ repo, branch, baseBranch: 'main', folder: 'nestor/dev/a', commit: pr.commit });
    expect(await ask(c)).toEqual([]);

    // main moves: the same claim changed by hand, notes edited, the same new file added differently, a file elsewhere
    const human = await checkout();
    await human.commitAndPush(
      { 'nestor/dev/a/claim.yaml': 'kind: PostgresDatabase\nspec:\n  size: medium\n', 'nestor/dev/a/notes.txt': 'by hand\n', 'nestor/dev/a/new.yaml': 'n: 2\n', 'README.md': 'x\n' },
      'hand edit',
    );
    expect(await ask(c)).toEqual(['nestor/dev/a/claim.yaml', 'nestor/dev/a/new.yaml']);
    // another replica, without a copy of its own, tells the same (it fetches the branch two commits deep)
    expect(await ask(committer())).toEqual(['nestor/dev/a/claim.yaml', 'nestor/dev/a/new.yaml']);

    // a person pushed to the branch since: Nestor's commit is not its head any more, nothing can be told
    await human.git('fetch', '--quiet', 'origin', branch);
    await human.git('checkout', '--quiet', '-b', 'pr', 'FETCH_HEAD');
    await human.write({ 'nestor/dev/a/notes.txt': 'resolved\n' });
    await human.commit('fixup');
    await human.git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
    expect(await ask(committer())).toBeUndefined();
  });
});
