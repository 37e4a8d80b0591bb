import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { HsmKeyProtector, type VscDeps } from '@scm/vsc';
import { runCli, testEnv, type CliResult } from '@scm/test-kit';

const ROOT = join(__dirname, '..', '..');

/** The test token through HsmContext, as the CLI opens it (SCM_STATE_DIR's PIN file). */
export function openTestHsm(): HsmContext {
  return HsmContext.open(
    hsmSettingsFrom({
      SCM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
      SCM_PKCS11_SLOT: -1,
      SCM_PKCS11_PIN: '',
      SCM_PKCS11_PIN_FILE: '',
      SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
    }),
  );
}

/** Creates the VSC keys in the test token if missing (what `scm vsc init-keys` does) and returns deps over the HSM. */
export async function hsmDeps(hsm: HsmContext): Promise<VscDeps> {
  await HsmKeyProtector.provision(hsm);
  return { protector: new HsmKeyProtector(hsm) };
}

/** The test token's user PIN: it must never show up in a log either. */
export function hsmUserPin(): string {
  return readFileSync(join(testEnv.SCM_STATE_DIR, 'hsm', 'user-pin'), 'utf8').trim();
}

/** Everything the SCM processes of a test printed, for the secret scan. */
export class LogBook {
  readonly entries: Array<{ what: string; text: string }> = [];

  add(what: string, text: string): void {
    this.entries.push({ what, text });
  }

  /** Runs bin/scm, records its output, and returns the result. */
  async scm(args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
    const r = await runCli(args, { env: opts.env, input: opts.input, timeoutMs: 120000 });
    this.add(`scm ${args.slice(0, 2).join(' ')}`, `${r.stdout}\n${r.stderr}`);
    return r;
  }
}

/** Fails with the CLI's own output when it did not exit 0. */
export function ok(r: CliResult, what: string): CliResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** A long-running bin/scm (vsc serve, card emulate): resolves once `ready` appears on stdout. */
export interface Background {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

export function startScm(args: string[], ready: RegExp, env: Record<string, string> = {}, timeoutMs = 30000): Promise<Background> {
  const child = spawn(join(ROOT, 'bin', 'scm'), args, { env: { ...process.env, ...testEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const bg: Background = {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bin/scm ${args.join(' ')} did not get ready: ${out}`));
    }, timeoutMs);
    const check = (): void => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(bg);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready.test(out)) reject(new Error(`bin/scm ${args.join(' ')} exited ${code}: ${out}`));
    });
  });
}
