import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli, testEnv } from '@scm/test-kit';
import { cardPresent, expectOk, runTool, testReader, waitForCard, withTempDir, type ToolResult } from './support';

const ROOT = join(__dirname, '..', '..');

// jest's testTimeout is a global option, so the integration project's value does not reach here.
jest.setTimeout(120000);
/** A running `scm card emulate`; its output so far and its exit. */
interface Emulator {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startEmulator(args: string[]): Emulator {
  const child = spawn(join(ROOT, 'bin', 'scm'), ['card', 'emulate', ...args], {
    env: { ...process.env, ...testEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, exited };
}

async function until(cond: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `bin/scm card emulate` against the real pcscd + vpcd of test workstation 1. */
describe('scm card emulate', () => {
  const reader = testReader(1, 0);
  const ykpiv = (...args: string[]): Promise<ToolResult> => runTool('yubico-piv-tool', [`-r${reader.name}`, ...args], { reader });
  const running: Emulator[] = [];

  const emulate = async (args: string[]): Promise<Emulator> => {
    const e = startEmulator(['--port', String(reader.port), ...args]);
    running.push(e);
    await until(() => /card inserted/.test(e.out()) || e.child.exitCode !== null, 'the "card inserted" line');
    expect(e.out()).toMatch(new RegExp(`card inserted into the vpcd reader at 127\\.0\\.0\\.1:${reader.port}`));
    await waitForCard(reader, true);
    return e;
  };
  const stop = async (e: Emulator, signal: NodeJS.Signals): Promise<void> => {
    e.child.kill(signal);
    const { code } = await e.exited;
    expect(code).toBe(0);
    expect(e.out()).toMatch(new RegExp(`card removed \\(${signal}\\)`));
    await waitForCard(reader, false);
  };

  beforeAll(async () => {
    expect(await cardPresent(reader)).toBe(false);
  });
  afterAll(async () => {
    for (const e of running) if (e.child.exitCode === null && e.child.signalCode === null) e.child.kill('SIGKILL');
  });

  it('says clearly that no vpcd listens on a port', async () => {
    const srv = createServer();
    const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
    await new Promise((r) => srv.close(r));
    const r = await runCli(['card', 'emulate', '--port', String(port)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no vpcd reader is listening at 127.0.0.1:${port}`);
    expect((await runCli(['card', 'emulate', '--port', '70000'])).stderr).toMatch(/--port must be an integer from 1 to 65535/);
  });

  it('runs a blank card with the given serial until SIGTERM, which removes it', async () => {
    const e = await emulate(['--serial', '7770001']);
    expect(e.out()).toMatch(/serial 7770001, firmware 5\.4\.3, ATR 3BFD1300008131FE158073C021C057597562694B657940 \(YubiKey 5\)/);
    const s = expectOk(await ykpiv('-astatus'), 'status').stdout;
    expect(s).toMatch(/Serial Number:\s+7770001/);
    expect(s).toMatch(/PIN tries left:\s+3/);
    expectOk(await ykpiv('-averify-pin', '-P123456'), 'default PIN');
    expectOk(await ykpiv('-aunblock-pin', '-P12345678', '-N123456'), 'default PUK');
    expectOk(await ykpiv('--key=010203040506070801020304050607080102030405060708', '-aset-chuid'), 'default management key');
    await stop(e, 'SIGTERM');
  });

  it('keeps the card in a --state file across runs (SIGINT)', async () => {
    const tmp = await withTempDir();
    try {
      const file = tmp.path('card.json');
      const first = await emulate(['--state', file, '--serial', '7770002']);
      expect(first.out()).toContain(`state in ${file}`);
      expectOk(await ykpiv('-achange-pin', '-P123456', '-N246810'), 'change-pin');
      expectOk(await ykpiv('-aset-chuid'), 'set-chuid');
      const chuid = /CHUID:\s+(\S+)/.exec(expectOk(await ykpiv('-astatus'), 'status').stdout)?.[1];
      expect(chuid).toMatch(/^3019/);
      await stop(first, 'SIGINT');
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const again = await emulate(['--state', file]);
      expect(again.out()).toMatch(/serial 7770002/);
      expect((await ykpiv('-averify-pin', '-P123456')).code).not.toBe(0);
      expectOk(await ykpiv('-averify-pin', '-P246810'), 'the PIN set in the first run');
      expect(expectOk(await ykpiv('-astatus'), 'status').stdout).toContain(`CHUID:\t${chuid}`);
      await stop(again, 'SIGTERM');

      const wrong = await runCli(['card', 'emulate', '--port', String(reader.port), '--state', file, '--serial', '1']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/holds the card with serial 7770002, not 1/);
    } finally {
      await tmp.cleanup();
    }
  });
});
