import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CliError } from './output';

/** The issuer API's host entry point, beside this CLI in the build (dist/apps/...). */
const ENTRY = join(__dirname, '..', '..', 'issuer-api', 'src', 'server-cli.js');

/**
 * Runs one of the issuer API's use cases on this host (a server-side command): the API's own code
 * does the work — the same commands its routes send — in a process of its own, with this
 * process's environment. Arguments go on stdin (secrets never in a process list); the API's
 * refusal comes back as a CliError with its code and message.
 */
export function serverOperation<T>(operation: string, args: Record<string, unknown>): Promise<T> {
  if (!existsSync(ENTRY)) throw new CliError(`the issuer API is not built here (${ENTRY} is missing): run npm run build`);
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new CliError(`cannot run the issuer API's host command: ${e.message}`)));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      let a: { ok: boolean; result?: T; error?: { code: string; message: string } };
      try {
        a = JSON.parse(line) as typeof a;
      } catch {
        return reject(
          new CliError(`the issuer API's host command ended with code ${code} and no answer${err ? `:\n${lastLines(err)}` : ''}`),
        );
      }
      if (a.ok) return resolve(a.result as T);
      reject(new CliError(`${a.error?.message ?? 'failed'} (${a.error?.code ?? 'internal'})`));
    });
    child.stdin.end(JSON.stringify({ operation, args, operator: userInfo().username }));
  });
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-5).join('\n');
}
