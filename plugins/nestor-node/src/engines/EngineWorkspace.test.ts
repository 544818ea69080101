import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineWorkspace } from './EngineWorkspace';
import { TransientEngineError } from './types';

describe('EngineWorkspace', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-ws-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const deployment = { team: 'team-a', environment: 'dev', name: 'db' };

  it('lives in <root>/<team>/<environment>/<name> and writes files there', async () => {
    const workspace = EngineWorkspace.forDeployment(root, deployment);
    expect(workspace.dir).toBe(path.join(root, 'team-a', 'dev', 'db'));
    expect(await workspace.exists()).toBe(false);
    await workspace.writeFiles({ 'main.tf': 'x', 'modules/a/b.tf': 'y' });
    expect(fs.readFileSync(path.join(workspace.dir, 'modules/a/b.tf'), 'utf8')).toBe('y');
    expect(await workspace.readFile('main.tf')).toBe('x');
    expect(await workspace.readFile('missing')).toBeUndefined();
    await workspace.remove();
    expect(await workspace.exists()).toBe(false);
  });

  it('refuses paths that leave the workspace', async () => {
    const workspace = EngineWorkspace.forDeployment(root, deployment);
    await expect(workspace.writeFiles({ '../other/main.tf': 'x' })).rejects.toThrow('../other/main.tf is outside the workspace');
  });

  it('keeps a record that survives new instances and merges updates', async () => {
    const first = EngineWorkspace.forDeployment<{ outputs?: object; drift?: boolean }>(root, deployment);
    expect(await first.readRecord()).toBeUndefined();
    await first.writeRecord({ outputs: { a: 1 } });
    const second = EngineWorkspace.forDeployment<{ outputs?: object; drift?: boolean }>(root, deployment);
    await second.updateRecord({ drift: true });
    expect(await first.readRecord()).toEqual({ outputs: { a: 1 }, drift: true });
  });

  it('lets one worker at a time into a workspace', async () => {
    const a = EngineWorkspace.forDeployment(root, deployment);
    const b = EngineWorkspace.forDeployment(root, deployment);
    let release!: () => void;
    const holding = a.withLock({ purpose: 'apply', timeoutMs: 0 }, () => new Promise<void>(resolve => (release = resolve)));
    await new Promise(resolve => setTimeout(resolve, 20));
    await expect(b.withLock({ purpose: 'plan', timeoutMs: 0 }, async () => 'ran')).rejects.toThrow(TransientEngineError);
    release();
    await holding;
    await expect(b.withLock({ purpose: 'plan', timeoutMs: 0 }, async () => 'ran')).resolves.toBe('ran');
  });
});
