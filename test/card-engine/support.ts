import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vpcdReaderName, type Workstation } from '@scm/config';
import { SoftPivBackend, startEmulatedCard, type EmulatedCard, type EmulatedCardOptions } from '@scm/card-engine';
import { testWorkstations } from '@scm/test-kit';

export const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A virtual reader of one of the test workstations: its pcscd socket, vpcd port and reader name. */
export interface TestReader {
  readonly ws: Workstation;
  readonly port: number;
  readonly name: string;
}

/** Reader `index` (0 or 1) of test workstation `wsId` of the sandbox in use. */
export function testReader(wsId: number, index = 0): TestReader {
  const ws = testWorkstations().find((w) => w.id === wsId);
  if (!ws) throw new Error(`no test workstation ${wsId}`);
  return { ws, port: ws.vpcdPorts[index], name: vpcdReaderName(index) };
}

/**
 * Runs an external tool (yubico-piv-tool, pkcs15-tool, pkcs11-tool, openssl) against the
 * workstation's pcscd; never rejects, so a test can assert on a failure.
 */
export function runTool(
  file: string,
  args: string[],
  opts: { reader?: TestReader; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const env = { ...process.env };
  if (opts.reader) env.PCSCLITE_CSOCK_NAME = opts.reader.ws.socket;
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the tool's own output when it did not exit 0. */
export function expectOk(r: ToolResult, what: string): ToolResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Whether pcscd shows a card in the reader (asked through OpenSC's reader list). */
export async function cardPresent(reader: TestReader): Promise<boolean> {
  const r = await runTool('opensc-tool', ['-l'], { reader });
  const line = r.stdout.split('\n').find((l) => l.trimEnd().endsWith(reader.name));
  return line !== undefined && /\bYes\b/.test(line);
}

/** Waits until pcscd sees the reader full (or empty). */
export async function waitForCard(reader: TestReader, present = true, timeoutMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await cardPresent(reader)) === present) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${reader.name} of workstation ${reader.ws.id} to be ${present ? 'full' : 'empty'}`);
}

/**
 * Puts a software PIV card (a blank memory card unless a backend is given) into a test reader and
 * waits until pcscd has seen it. Refuses a reader that already holds a card.
 */
export async function insertTestCard(reader: TestReader, opts: Omit<EmulatedCardOptions, 'port'> = {}): Promise<EmulatedCard> {
  if (await cardPresent(reader)) throw new Error(`${reader.name} of workstation ${reader.ws.id} already holds a card`);
  const card = await startEmulatedCard({ backend: opts.backend ?? new SoftPivBackend(), ...opts, port: reader.port });
  try {
    await waitForCard(reader, true);
  } catch (e) {
    await card.remove();
    throw e;
  }
  return card;
}

/** Removes the card and waits until pcscd has noticed, so the next test finds the reader empty. */
export async function removeTestCard(reader: TestReader, card: EmulatedCard | undefined): Promise<void> {
  if (!card) return;
  await card.remove();
  await waitForCard(reader, false);
}

/** A temporary directory for keys and certificates made at test time (never committed). */
export async function withTempDir(): Promise<{ dir: string; path: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'scm-card-engine-'));
  return { dir, path: (n) => join(dir, n), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
