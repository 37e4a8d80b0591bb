import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './test-env';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = join(__dirname, '..', '..');

/** Runs bin/scm with the test environment; resolves with its exit code and output. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'bin', 'scm'), args, {
      env: { ...process.env, ...testEnv, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
