import { GitHttpServer } from '@nestor/test-utils';
import { execFileSync } from 'node:child_process';
export async function main() {
  const server = await GitHttpServer.start();
  execFileSync('cp', ['-r', '/tmp/proto/bare', server.repoPath('b')]);
  execFileSync('git', ['-C', server.repoPath('b'), 'config', 'http.receivepack', 'true']);
  console.log(server.url('b'));
  setInterval(() => {}, 1000);
}
