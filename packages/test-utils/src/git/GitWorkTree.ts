import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Nestor Test',
  GIT_AUTHOR_EMAIL: 'test@nestor.local',
  GIT_COMMITTER_NAME: 'Nestor Test',
  GIT_COMMITTER_EMAIL: 'test@nestor.local',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

/**
 * A temporary work tree driven by the git CLI: write or delete files,
 * commit, and push (or force-push) to a remote such as a
 * {@link GitHttpServer} repository.
 * @public
 */
export class GitWorkTree {
  readonly dir: string;
  readonly #remote: string;
  readonly #branch: string;

  /**
   * Creates an empty work tree whose `origin` is `remoteUrl` (put credentials
   * in the URL when the server needs them).
   */
  static async create(remoteUrl: string, options: { branch?: string } = {}): Promise<GitWorkTree> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-git-work-'));
    const tree = new GitWorkTree(dir, remoteUrl, options.branch ?? 'main');
    await tree.git('init', '--quiet', `--initial-branch=${tree.#branch}`);
    await tree.git('remote', 'add', 'origin', remoteUrl);
    return tree;
  }

  private constructor(dir: string, remote: string, branch: string) {
    this.dir = dir;
    this.#remote = remote;
    this.#branch = branch;
  }

  /** Runs git in the work tree and returns its trimmed stdout. */
  async git(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('git', args, {
      cwd: this.dir,
      env: { ...process.env, ...GIT_ENV },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  }

  /** Writes files (path → content) and deletes those mapped to `null`. */
  async write(files: Record<string, string | null>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(this.dir, rel);
      if (content === null) {
        await fs.rm(file, { force: true });
      } else {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, content);
      }
    }
  }

  /** Stages everything and commits; returns the new commit's sha. */
  async commit(message: string, options: { amend?: boolean } = {}): Promise<string> {
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message, ...(options.amend ? ['--amend'] : []));
    return this.head();
  }

  /** Writes, commits and pushes in one step; returns the commit sha. */
  async commitAndPush(files: Record<string, string | null>, message = 'update'): Promise<string> {
    await this.write(files);
    const sha = await this.commit(message);
    await this.push();
    return sha;
  }

  /** Pushes the branch; `force` replaces the remote history. */
  async push(options: { force?: boolean } = {}): Promise<void> {
    await this.git('push', '--quiet', ...(options.force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${this.#branch}`);
  }

  /** Moves the branch back to an earlier commit (for force-push scenarios). */
  async resetHard(ref: string): Promise<void> {
    await this.git('reset', '--quiet', '--hard', ref);
  }

  async head(): Promise<string> {
    return this.git('rev-parse', 'HEAD');
  }

  get remoteUrl(): string {
    return this.#remote;
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
