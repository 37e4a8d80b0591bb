/**
 * Interop: yubico-piv-tool (an independent client) personalises the software PIV card through
 * pcscd+vpcd; then the PIV agent reads everything back and uses what yubico-piv-tool set.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testWorkstations } from '@scm/test-kit';
import type { PcscCardChannel } from '@scm/pcsc';
import type { EmulatedCard } from '@scm/card-engine';
import { ALGORITHM, DEFAULTS, PIN_POLICY, PivSession, SLOT, SoftwareManagementKey, TOUCH_POLICY } from '@scm/piv';
import { cachedKey, certificateFor } from './piv-fixtures';
import { insertSoftCard, openChannel, readerName, settleRemoval } from './pcsc-harness';

jest.setTimeout(120_000);

const run = promisify(execFile);
const ws = testWorkstations()[1];
const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

describe('the PIV agent reads back a card personalised by yubico-piv-tool', () => {
  let card: EmulatedCard;
  let ch: PcscCardChannel | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scm-ykpiv-'));
    card = await insertSoftCard(ws, 0, { serial: 7654321 });
  });

  afterAll(async () => {
    await ch?.close();
    await card.remove();
    rmSync(dir, { recursive: true, force: true });
    await settleRemoval(ws, [0]);
  });

  async function tool(...args: string[]): Promise<string> {
    const { stdout } = await run('yubico-piv-tool', ['-r', readerName(0), ...args], {
      env: { ...process.env, PCSCLITE_CSOCK_NAME: ws.socket },
      timeout: 30_000,
    });
    return stdout;
  }

  it('yubico-piv-tool imports keys and certificates, generates, sets CHUID, CCC, PIN, PUK and management key; the agent sees it all', async () => {
    // Wait until pcscd sees the card.
    (await openChannel(ws, 0)).close();
    const rsa = cachedKey('rsa2048');
    const ec = cachedKey('p256');
    writeFileSync(join(dir, 'rsa.pem'), rsa.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'ec.pem'), ec.export({ type: 'pkcs8', format: 'pem' }));
    const spki = (k: typeof rsa): Uint8Array => new Uint8Array(createPublicKey(k).export({ type: 'spki', format: 'der' }));
    const cert9a = await certificateFor(spki(rsa), 'CN=Ykpiv 9A');
    const cert9c = await certificateFor(spki(ec), 'CN=Ykpiv 9C');
    writeFileSync(join(dir, '9a.pem'), pem(cert9a));
    writeFileSync(join(dir, '9c.pem'), pem(cert9c));

    await tool('-a', 'import-key', '-s', '9a', '-i', join(dir, 'rsa.pem'), '--pin-policy=once', '--touch-policy=never');
    await tool('-a', 'import-certificate', '-s', '9a', '-i', join(dir, '9a.pem'));
    await tool('-a', 'import-key', '-s', '9c', '-i', join(dir, 'ec.pem'), '--pin-policy=always');
    await tool('-a', 'import-certificate', '-s', '9c', '-i', join(dir, '9c.pem'));
    await tool('-a', 'generate', '-s', '9e', '-A', 'ECCP256', '-o', join(dir, '9e.pub'));
    const cert9e = await certificateFor(
      new Uint8Array(createPublicKey(readFileSync(join(dir, '9e.pub'))).export({ type: 'spki', format: 'der' })),
      'CN=Ykpiv 9E',
    );
    writeFileSync(join(dir, '9e.pem'), pem(cert9e));
    await tool('-a', 'import-certificate', '-s', '9e', '-i', join(dir, '9e.pem'));
    await tool('-a', 'set-chuid', '-a', 'set-ccc');
    await tool('-a', 'change-pin', '-P', DEFAULTS.PIN, '-N', '97531864');
    await tool('-a', 'change-puk', '-P', DEFAULTS.PUK, '-N', '24682468');
    const newKey = '0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080';
    await tool('-a', 'set-mgm-key', `-n${newKey}`);
    const status = await tool('-a', 'status');
    expect(status).toMatch(/CHUID:/);

    ch = await openChannel(ws, 0);
    const s = await PivSession.open(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
    const id = await s.identity();
    expect(id.serial).toBe(7654321);
    expect(id.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(status.toLowerCase()).toContain(id.fascn!.toLowerCase().slice(0, 16));
    expect((await s.readCcc())!.cardIdentifier.subarray(0, 7)).toEqual(Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02));
    expect((await s.readCertificate(SLOT.AUTHENTICATION))!.der).toEqual(cert9a);
    expect((await s.readCertificate(SLOT.SIGNATURE))!.der).toEqual(cert9c);
    expect((await s.readCertificate(SLOT.CARD_AUTH))!.der).toEqual(cert9e);
    expect(await s.readCertificate(SLOT.KEY_MANAGEMENT)).toBeUndefined();
    expect(await s.getMetadata(SLOT.AUTHENTICATION)).toMatchObject({
      algorithm: ALGORITHM.RSA2048,
      origin: 'imported',
      pinPolicy: PIN_POLICY.ONCE,
      touchPolicy: TOUCH_POLICY.NEVER,
    });
    expect(await s.getMetadata(SLOT.SIGNATURE)).toMatchObject({ algorithm: ALGORITHM.ECCP256, pinPolicy: PIN_POLICY.ALWAYS });
    expect(await s.getMetadata(SLOT.CARD_AUTH)).toMatchObject({ algorithm: ALGORITHM.ECCP256, origin: 'generated' });
    expect((await s.getMetadata(0x9b)).isDefault).toBe(false);
    expect(await s.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    expect(await s.pukStatus()).toMatchObject({ retriesLeft: 3 });

    await s.verifyPin('97531864');
    const msg = new TextEncoder().encode('interop');
    expect(verify('sha256', msg, new X509Certificate(cert9a).publicKey, await s.sign(SLOT.AUTHENTICATION, ALGORITHM.RSA2048, msg))).toBe(
      true,
    );
    await s.verifyPin('97531864');
    expect(verify('sha256', msg, new X509Certificate(cert9c).publicKey, await s.sign(SLOT.SIGNATURE, ALGORITHM.ECCP256, msg))).toBe(true);
    await s.authenticate(new SoftwareManagementKey(new Uint8Array(Buffer.from(newKey, 'hex'))));
    await s.changePuk('24682468', DEFAULTS.PUK);
  });
});
