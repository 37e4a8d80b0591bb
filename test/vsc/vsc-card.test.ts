import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { HsmContext } from '@scm/hsm';
import { SoftPivBackend, type EmulatedCard } from '@scm/card-engine';
import { VirtualSmartCard, type VscDeps } from '@scm/vsc';
import {
  expectOk,
  insertTestCard,
  OPENSC_PKCS11,
  removeTestCard,
  runTool,
  testReader,
  waitForCard,
  withTempDir,
  type ToolResult,
} from '../card-engine/support';
import { hsmDeps, hsmUserPin, LogBook, ok, openTestHsm, startScm, type Background } from './support';

jest.setTimeout(180000);

/**
 * Issue 5, end to end on the real parts (SoftHSM2 token, pcscd + vpcd, OpenSC, yubico-piv-tool,
 * openssl): a VSC made with bin/scm and served on vpcd signs through OpenSC; a card personalised
 * by yubico-piv-tool is backed up into a VSC and restored onto a blank card; afterwards no private
 * key, password or PIN is found in any output or in the VSC files. The steps run in order.
 */
describe('VSCs as cards: served on vpcd, backup and restore of a card, secret scan', () => {
  const log = new LogBook();
  const PASSWORD = 'Vq7#pLm2';
  const BACKUP_PASSWORD = 'Bk9$zTr4';
  const CARD_PIN = 'Kx3!9wQe';
  const served = testReader(3, 1);
  const source = testReader(2, 1);
  const target = testReader(1, 1);
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let hsm: HsmContext;
  let deps: VscDeps;
  let vscFile: string;
  let backupFile: string;
  const privateKeys: Array<{ what: string; key: KeyObject }> = [];

  const tool = async (file: string, args: string[], reader = served): Promise<ToolResult> => {
    const r = await runTool(file, args, { reader, cwd: tmp.dir });
    log.add(`${file} ${args[0]}`, `${r.stdout}\n${r.stderr}`);
    return r;
  };
  const passwordEnv = (p = PASSWORD): Record<string, string> => ({ SCM_VSC_PASSWORD: p });

  beforeAll(async () => {
    tmp = await withTempDir();
    hsm = openTestHsm();
    deps = await hsmDeps(hsm);
    vscFile = tmp.path('user.vsc');
    backupFile = tmp.path('backup.vsc');
    await writeFile(tmp.path('data.txt'), 'a document signed through a served VSC\n');
  });

  afterAll(async () => {
    hsm?.close();
    await tmp?.cleanup();
  });

  describe('a VSC served as a PIV card', () => {
    let serve: Background | undefined;

    afterAll(async () => {
      if (serve) log.add('scm vsc serve', serve.output());
      await serve?.stop();
      await waitForCard(served, false).catch(() => undefined);
    });

    it('is made with bin/scm: RSA-2048 in 9A and P-256 in 9C, with certificates', async () => {
      ok(await log.scm(['vsc', 'create', '--serial', '00001079', '--out', vscFile], { env: passwordEnv() }), 'vsc create');
      ok(
        await log.scm(['vsc', 'keygen', vscFile, '--slot', '9a', '--alg', 'rsa2048', '--self-signed', 'VSC Holder'], {
          env: passwordEnv(),
        }),
        'keygen 9a',
      );
      ok(
        await log.scm(['vsc', 'keygen', vscFile, '--slot', '9c', '--alg', 'p256', '--self-signed', 'VSC Holder Signing'], {
          env: passwordEnv(),
        }),
        'keygen 9c',
      );
      const show = JSON.parse(ok(await log.scm(['vsc', 'show', vscFile, '--json']), 'show').stdout) as {
        label: string;
        version: number;
        objects: Array<{ name: string; kind: string; slot?: string; algorithm?: string }>;
      };
      expect(show.label).toBe('VSC 00001079');
      expect(show.version).toBe(3);
      expect(show.objects.filter((o) => o.kind === 'certificate').map((o) => o.slot)).toEqual(['9a', '9c']);
      expect(show.objects.filter((o) => o.kind === 'key').map((o) => o.algorithm)).toEqual(['rsa2048', 'p256']);
      ok(await log.scm(['vsc', 'check', vscFile]), 'check');
    });

    it('goes into a vpcd reader and yubico-piv-tool -a status reads it', async () => {
      serve = await startScm(['vsc', 'serve', vscFile, '--port', String(served.port)], /inserted into the vpcd reader/);
      await waitForCard(served, true);
      const r = expectOk(await tool('yubico-piv-tool', [`-r${served.name}`, '-a', 'status']), 'yubico-piv-tool status');
      expect(r.stdout).toMatch(/Serial Number:\s+1448297216/); // "VSC\0": the serial marks a VSC
      expect(r.stdout).toMatch(/Slot 9a:[\s\S]*RSA2048[\s\S]*CN=VSC Holder/);
      expect(r.stdout).toMatch(/Slot 9c:[\s\S]*ECCP256[\s\S]*CN=VSC Holder Signing/);
      expect(r.stdout).toMatch(/PIN tries left:\s+3/);
    });

    it('signs with RSA 9A and ECDSA 9C through OpenSC pkcs11-tool, and openssl verifies against the certificates', async () => {
      const certs = expectOk(await tool('pkcs15-tool', ['--reader', served.name, '--list-certificates']), 'pkcs15-tool');
      expect(certs.stdout).toContain('Certificate for PIV Authentication');
      expect(certs.stdout).toContain('Certificate for Digital Signature');
      for (const [id, file] of [
        ['01', 'c9a.pem'],
        ['02', 'c9c.pem'],
      ]) {
        const r = expectOk(await tool('pkcs15-tool', ['--reader', served.name, '--read-certificate', id]), `read cert ${id}`);
        await writeFile(tmp.path(file), r.stdout);
        expectOk(await tool('openssl', ['x509', '-in', file, '-pubkey', '-noout', '-out', `${file}.pub`]), 'openssl x509');
      }
      const sign = (id: string, mech: string, out: string, extra: string[] = []): Promise<ToolResult> =>
        tool('pkcs11-tool', [
          '--module',
          OPENSC_PKCS11,
          '--token-label',
          'VSC Holder',
          '--login',
          '--pin',
          PASSWORD,
          '--sign',
          '--id',
          id,
          '-m',
          mech,
          ...extra,
          '-i',
          'data.txt',
          '-o',
          out,
        ]);
      expectOk(await sign('01', 'SHA256-RSA-PKCS', 'sig9a.bin'), 'pkcs11-tool sign 9a');
      expectOk(await sign('02', 'ECDSA-SHA256', 'sig9c.bin', ['--signature-format', 'openssl']), 'pkcs11-tool sign 9c');
      for (const [pub, sig] of [
        ['c9a.pem.pub', 'sig9a.bin'],
        ['c9c.pem.pub', 'sig9c.bin'],
      ]) {
        const v = await tool('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, 'data.txt']);
        expect(v.stdout).toContain('Verified OK');
      }
    });

    it('counts a wrong PIN in the VSC state, checked through the cardholder path', async () => {
      const bad = await tool('pkcs11-tool', [
        '--module',
        OPENSC_PKCS11,
        '--token-label',
        'VSC Holder',
        '--login',
        '--pin',
        'wrong-pw',
        '--sign',
        '--id',
        '01',
        '-m',
        'SHA256-RSA-PKCS',
        '-i',
        'data.txt',
        '-o',
        'x.bin',
      ]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('CKR_PIN_INCORRECT');
      const file = await readFile(vscFile);
      const onDisk = await VirtualSmartCard.load(file, deps);
      expect(onDisk.state.pin.remaining).toBe(2);
      expectOk(await tool('yubico-piv-tool', [`-r${served.name}`, '-a', 'verify-pin', `-P${PASSWORD}`]), 'verify-pin');
      expect((await VirtualSmartCard.load(await readFile(vscFile), deps)).state.pin.remaining).toBe(3);
    });

    it('refuses to serve once disabled, with a clear error', async () => {
      await serve?.stop();
      log.add('scm vsc serve', serve?.output() ?? '');
      serve = undefined;
      await waitForCard(served, false);
      ok(await log.scm(['vsc', 'disable', vscFile]), 'disable');
      const r = await log.scm(['vsc', 'serve', vscFile, '--port', String(served.port)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/VSC 00001079 is disabled: it is not served/);
      ok(await log.scm(['vsc', 'enable', vscFile]), 'enable');
    });
  });

  describe('a card personalised by yubico-piv-tool, backed up into a VSC and restored onto a blank card', () => {
    let src: EmulatedCard | undefined;
    let dst: EmulatedCard | undefined;
    const ykpiv = (reader: typeof source, ...args: string[]): Promise<ToolResult> =>
      tool('yubico-piv-tool', [`-r${reader.name}`, ...args], reader);

    afterAll(async () => {
      await removeTestCard(source, src);
      await removeTestCard(target, dst);
    });

    it('personalises the source card with yubico-piv-tool', async () => {
      src = await insertTestCard(source, { backend: new SoftPivBackend({ serial: 5550077 }) });
      const o = async (...args: string[]): Promise<void> => {
        expectOk(await tool('openssl', args), `openssl ${args[0]}`);
      };
      await o(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'k9a.pem',
        '-out',
        'src9a.pem',
        '-subj',
        '/CN=Card Holder',
        '-days',
        '30',
      );
      await o(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'k9c.pem',
        '-out',
        'src9c.pem',
        '-subj',
        '/CN=Card Holder Signing',
        '-days',
        '30',
      );
      for (const f of ['k9a.pem', 'k9c.pem'])
        privateKeys.push({ what: `card key ${f}`, key: createPrivateKey(await readFile(tmp.path(f))) });
      expectOk(await ykpiv(source, '-a', 'import-key', '-s', '9a', '-i', 'k9a.pem'), 'import 9a');
      expectOk(await ykpiv(source, '-a', 'import-certificate', '-s', '9a', '-i', 'src9a.pem'), 'cert 9a');
      expectOk(await ykpiv(source, '-a', 'import-key', '-s', '9c', '-i', 'k9c.pem'), 'import 9c');
      expectOk(await ykpiv(source, '-a', 'import-certificate', '-s', '9c', '-i', 'src9c.pem'), 'cert 9c');
      expectOk(await ykpiv(source, '-a', 'set-chuid', '-a', 'set-ccc'), 'chuid, ccc');
      expectOk(await ykpiv(source, '-a', 'change-pin', '-P123456', `-N${CARD_PIN}`), 'change-pin');
    });

    it('backs it up with bin/scm card backup (every object but private keys)', async () => {
      await writeFile(tmp.path('card-pin'), `${CARD_PIN}\n`, { mode: 0o600 });
      const r = ok(
        await log.scm(
          [
            'card',
            'backup',
            '--reader',
            source.name,
            '-w',
            String(source.ws.id),
            '--out',
            backupFile,
            '--with-pin',
            '--card-pin-file',
            tmp.path('card-pin'),
            '--json',
          ],
          { env: passwordEnv(BACKUP_PASSWORD) },
        ),
        'card backup',
      );
      const report = JSON.parse(r.stdout) as { label: string; copied: Array<{ name: string }> };
      expect(report.label).toBe('VSC 05550077');
      expect(report.copied.map((c) => c.name).sort()).toEqual(['cert-9a', 'cert-9c', 'key-9a', 'key-9c', 'piv-ccc', 'piv-chuid']);
      const backup = await VirtualSmartCard.load(await readFile(backupFile), deps);
      await backup.openWithRecovery();
      expect(backup.hasPrivateKey(0x9a)).toBe(false);
      expect(backup.state.binding?.serial).toBe('05550077');
      backup.close();
    });

    it('restores it onto a blank card: pkcs15-tool lists the same certificates on both; the CHUID stays with its card', async () => {
      dst = await insertTestCard(target, { backend: new SoftPivBackend({ serial: 5550078 }) });
      const r = ok(
        await log.scm(['card', 'restore', backupFile, '--reader', target.name, '-w', String(target.ws.id), '--json'], {
          env: passwordEnv(BACKUP_PASSWORD),
        }),
        'card restore',
      );
      const report = JSON.parse(r.stdout) as { copied: Array<{ name: string }>; skipped: Array<{ name: string; reason: string }> };
      expect(report.copied.map((c) => c.name).sort()).toEqual(['cert-9a', 'cert-9c', 'piv-ccc']);
      expect(report.skipped.find((s) => s.name === 'piv-chuid')?.reason).toMatch(/identity is never copied/);

      const list = async (reader: typeof source): Promise<string> =>
        expectOk(await tool('pkcs15-tool', ['--reader', reader.name, '--list-certificates'], reader), 'pkcs15-tool').stdout;
      const a = await list(source);
      const b = await list(target);
      expect(a).toContain('Certificate for PIV Authentication');
      expect(a).toContain('Certificate for Digital Signature');
      expect(b).toBe(a);
      for (const id of ['01', '02']) {
        const ca = expectOk(await tool('pkcs15-tool', ['--reader', source.name, '--read-certificate', id], source), 'read').stdout;
        const cb = expectOk(await tool('pkcs15-tool', ['--reader', target.name, '--read-certificate', id], target), 'read').stdout;
        expect(cb).toBe(ca);
      }
      // Asked for explicitly, the CHUID is refused outright.
      const chuid = await log.scm(
        ['card', 'restore', backupFile, '--reader', target.name, '-w', String(target.ws.id), '--object', 'piv-chuid'],
        {
          env: passwordEnv(BACKUP_PASSWORD),
        },
      );
      expect(chuid.code).not.toBe(0);
      expect(chuid.stderr).toMatch(/identity is never copied onto another card/);
    });
  });

  describe('secret scan', () => {
    it('finds no private key, password or PIN in any output or in the VSC files', async () => {
      // The VSC's own private keys, read through the recovery path for the comparison only.
      const vsc = await VirtualSmartCard.load(await readFile(vscFile), deps);
      await vsc.openWithRecovery();
      for (const slot of [0x9a, 0x9c])
        privateKeys.push({
          what: `VSC key ${slot.toString(16)}`,
          key: vsc.exportPrivateKeyForIssuance(slot, { requestId: 'secret-scan' }),
        });
      vsc.close();

      const needles: Array<{ what: string; bytes: Buffer }> = [];
      const text = (what: string, s: string): void => {
        needles.push({ what, bytes: Buffer.from(s, 'latin1') });
        needles.push({ what: `${what} (padded)`, bytes: Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(8 - s.length, 0xff)]) });
      };
      text('VSC password', PASSWORD);
      text('backup VSC password', BACKUP_PASSWORD);
      text('card PIN', CARD_PIN);
      needles.push({ what: 'HSM user PIN', bytes: Buffer.from(hsmUserPin()) });
      for (const { what, key } of privateKeys) {
        const jwk = key.export({ format: 'jwk' });
        for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
          const v = jwk[part];
          if (!v) continue;
          const raw = Buffer.from(v, 'base64url');
          // 16-byte windows: a fragment in hex, base64 or raw form is found as well as the whole.
          for (let i = 0; i + 16 <= raw.length; i += 32) needles.push({ what: `${what} ${part}`, bytes: raw.subarray(i, i + 16) });
        }
        needles.push({ what: `${what} PEM`, bytes: Buffer.from(key.export({ format: 'pem', type: 'pkcs8' }).toString().split('\n')[1]) });
      }
      const haystacks: Array<{ what: string; bytes: Buffer }> = [
        ...log.entries.map((e) => ({ what: `output of ${e.what}`, bytes: Buffer.from(e.text) })),
        { what: 'served VSC file', bytes: await readFile(vscFile) },
        { what: 'backup VSC file', bytes: await readFile(backupFile) },
      ];
      expect(log.entries.length).toBeGreaterThan(20);
      const scan = (hs: Array<{ what: string; bytes: Buffer }>): string[] => {
        const found: string[] = [];
        for (const h of hs) {
          const hex = Buffer.from(h.bytes.toString('hex'));
          const hexUpper = Buffer.from(h.bytes.toString('hex').toUpperCase());
          for (const n of needles) {
            const forms = [
              n.bytes,
              Buffer.from(n.bytes.toString('hex')),
              Buffer.from(n.bytes.toString('hex').toUpperCase()),
              Buffer.from(n.bytes.toString('base64').slice(0, 20)),
            ];
            if (forms.some((f) => h.bytes.includes(f) || hex.includes(f) || hexUpper.includes(f))) found.push(`${n.what} in ${h.what}`);
          }
        }
        return [...new Set(found)];
      };
      // The scan finds what it looks for (in raw, hex and base64 form)…
      const d = privateKeys[0].key.export({ format: 'jwk' }).d as string;
      expect(
        scan([{ what: 'planted', bytes: Buffer.from(`log line ${PASSWORD} and ${Buffer.from(d, 'base64url').toString('hex')}`) }]),
      ).toEqual(expect.arrayContaining(['VSC password in planted', `${privateKeys[0].what} d in planted`]));
      // …and nothing of it is in the outputs or the files.
      expect(scan(haystacks)).toEqual([]);
    });
  });
});
