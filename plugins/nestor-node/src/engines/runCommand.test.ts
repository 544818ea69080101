import os from 'node:os';
import { CommandFailedError, runCommand } from './runCommand';

describe('runCommand', () => {
  const node = process.execPath;

  it('returns what the command printed, without ANSI colours', async () => {
    const result = await runCommand(node, ['-e', 'process.stdout.write("\\u001b[1mbold\\u001b[0m ok"); process.stderr.write("warn")'], {
      cwd: os.tmpdir(),
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'bold ok', stderr: 'warn' });
  });

  it('passes the environment and working directory', async () => {
    const result = await runCommand(node, ['-e', 'process.stdout.write(process.env.NESTOR_X + " " + process.cwd())'], {
      cwd: os.tmpdir(),
      env: { NESTOR_X: 'hello' },
    });
    expect(result.stdout).toBe(`hello ${os.tmpdir()}`);
  });

  it('fails with the stderr text in the message', async () => {
    const run = runCommand(node, ['-e', 'console.error("Error: Unsupported argument"); process.exit(1)'], { cwd: os.tmpdir() });
    await expect(run).rejects.toThrow(CommandFailedError);
    await expect(run).rejects.toThrow(/failed with exit code 1:\nError: Unsupported argument/);
  });

  it('accepts the exit codes it is told are fine', async () => {
    const result = await runCommand(node, ['-e', 'process.exit(2)'], { cwd: os.tmpdir(), okExitCodes: [0, 2] });
    expect(result.exitCode).toBe(2);
  });

  it('says when the binary is missing', async () => {
    await expect(runCommand('/nonexistent/terraform', ['init'], { cwd: os.tmpdir() })).rejects.toThrow(
      'terraform init: /nonexistent/terraform was not found',
    );
  });

  it('kills a command that runs past its timeout', async () => {
    await expect(runCommand(node, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: os.tmpdir(), timeoutMs: 200 })).rejects.toThrow(
      'timed out after 200 ms',
    );
  });
});
