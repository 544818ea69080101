import { execFileSync } from 'node:child_process';
import { getHelmBinary } from './getHelmBinary';

describe('getHelmBinary', () => {
  it('unpacks a helm binary that runs', async () => {
    const helm = await getHelmBinary();
    expect(helm).toBeTruthy();
    const version = execFileSync(helm!, ['version', '--short'], { encoding: 'utf8' });
    expect(version).toMatch(/^v\d+\.\d+\.\d+/);
  }, 60000);
});
