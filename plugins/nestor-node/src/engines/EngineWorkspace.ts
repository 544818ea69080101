import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkingDirectoryLock } from './WorkingDirectoryLock';

const RECORD_FILE = path.join('.nestor', 'record.json');

/**
 * The working directory of one deployment for an engine that runs a CLI
 * (Terraform, Pulumi) on the backend's host: `<root>/<team>/<environment>/<name>`,
 * the files written into it, a lock so two workers never run in it at once,
 * and a small JSON record of what was last done there (outputs, drift).
 * @public
 */
export class EngineWorkspace<TRecord extends object = Record<string, unknown>> {
  readonly dir: string;

  static forDeployment<T extends object = Record<string, unknown>>(
    root: string,
    deployment: { team: string; environment: string; name: string },
  ): EngineWorkspace<T> {
    return new EngineWorkspace<T>(path.resolve(root, deployment.team, deployment.environment, deployment.name));
  }

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Runs `work` holding the workspace's lock (see {@link WorkingDirectoryLock}). */
  withLock<T>(options: { purpose: string; timeoutMs: number }, work: () => Promise<T>): Promise<T> {
    return WorkingDirectoryLock.run(this.dir, options, work);
  }

  /** Writes files (paths relative to the workspace), creating folders. */
  async writeFiles(files: Record<string, string>): Promise<void> {
    for (const [relative, content] of Object.entries(files)) {
      const file = this.#resolve(relative);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
    }
  }

  async readFile(relative: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.#resolve(relative), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async exists(): Promise<boolean> {
    return fs.stat(this.dir).then(
      s => s.isDirectory(),
      () => false,
    );
  }

  async readRecord(): Promise<TRecord | undefined> {
    const text = await this.readFile(RECORD_FILE);
    return text === undefined ? undefined : (JSON.parse(text) as TRecord);
  }

  /** Replaces the record (written to a temporary file, then renamed). */
  async writeRecord(record: TRecord): Promise<void> {
    const file = this.#resolve(RECORD_FILE);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(`${file}.tmp`, JSON.stringify(record, null, 2));
    await fs.rename(`${file}.tmp`, file);
  }

  /** Merges fields into the record. */
  async updateRecord(patch: Partial<TRecord>): Promise<void> {
    await this.writeRecord({ ...((await this.readRecord()) ?? {}), ...patch } as TRecord);
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  #resolve(relative: string): string {
    const file = path.resolve(this.dir, relative);
    if (!file.startsWith(`${this.dir}${path.sep}`)) {
      throw new Error(`${relative} is outside the workspace ${this.dir}`);
    }
    return file;
  }
}
