import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testEnv, waitFor } from '@scm/test-kit';
import { expectOk, runTool, testReader, waitForCard } from '../card-engine/support';

const ROOT = join(__dirname, '..', '..');

/**
 * `bin/scm card emulate --no-import` in a real vpcd reader, as opensc-tool sees it: a generic
 * (non-YubiKey) ATR; GET VERSION (FD) and IMPORT ASYMMETRIC KEY (FE) answered 6D00; GET SERIAL
 * (F8) still answered, so SCM identifies the card and its capability rule refuses it for profiles
 * that escrow a key (test/lifecycle/profiles.test.ts does that through the card worker).
 */
describe('scm card emulate --no-import', () => {
  const reader = testReader(0, 1);

  it('is a PIV card without key import or GET VERSION, with a generic ATR', async () => {
    const child = spawn(
      join(ROOT, 'bin', 'scm'),
      ['card', 'emulate', '--port', String(reader.port), '--no-import', '--serial', '7654321'],
      {
        env: { ...process.env, ...testEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(
        'the card to be inserted',
        async () => (/card inserted/.test(out) ? true : child.exitCode !== null ? false : undefined),
        15_000,
        50,
      );
      expect(out).toContain('without key import (FE) or GET VERSION (FD)');
      expect(out).not.toContain('(YubiKey 5)');
      await waitForCard(reader, true);
      const atr = expectOk(await runTool('opensc-tool', ['-r', reader.name, '-a'], { reader }), 'opensc-tool -a').stdout;
      expect(atr.replace(/[\s:]/g, '').toUpperCase()).toContain('3B8D80018073C021C05747656E50495631BB');
      const r = expectOk(
        await runTool(
          'opensc-tool',
          [
            '-r',
            reader.name,
            '-s',
            '00 A4 04 00 09 A0 00 00 03 08 00 00 10 00',
            '-s',
            '00 FD 00 00',
            '-s',
            '00 F8 00 00',
            '-s',
            '00 FE 11 9D 02 06 00',
          ],
          { reader },
        ),
        'opensc-tool -s',
      ).stdout;
      const sws = [...r.matchAll(/SW1=0x([0-9a-f]{2}), SW2=0x([0-9a-f]{2})/gi)].map((m) => `${m[1]}${m[2]}`.toUpperCase());
      expect(sws).toEqual(['9000', '6D00', '9000', '6D00']);
      expect(r).toMatch(/00 74 CB B1/i); // 7654321, big-endian
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitForCard(reader, false);
    }
  });
});
