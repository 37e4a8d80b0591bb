/**
 * Transcript tests of the PIV agent: recorded `=> / <=` exchanges (test/piv/transcripts, and the
 * byte-exact examples of the PIV reference built below) replayed against PivSession. A command that
 * differs fails with its transcript line; every recorded exchange must be used.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TranscriptTransport, toHex } from '@scm/apdu';
import {
  ALGORITHM,
  CardNotAuthenticatedError,
  DEFAULTS,
  InvalidPinError,
  PinBlockedError,
  PivSession,
  PukBlockedError,
  SLOT,
  SoftwareManagementKey,
} from '@scm/piv';
import { cachedKey } from './piv-fixtures';

const transcript = (name: string): TranscriptTransport =>
  new TranscriptTransport(readFileSync(join(__dirname, 'transcripts', name), 'utf8'));
const fixed = (hex: string) => (): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const SELECT = '=> 00A4040005A00000030800\n<= 61114F0600001000010079074F05A0000003089000\n';

describe('PIV transcripts', () => {
  it('3DES mutual authentication matches the reference bytes', async () => {
    const t = transcript('mgm-3des.apdu');
    const s = await PivSession.open(t);
    await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixed('1122334455667788')));
    t.assertDone();
  });

  it('AES-128 mutual authentication matches the reference bytes', async () => {
    const t = transcript('mgm-aes128.apdu');
    const key = Uint8Array.from(Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex'));
    await (
      await PivSession.open(t)
    ).authenticate(new SoftwareManagementKey(key, ALGORITHM.AES128, fixed('202122232425262728292A2B2C2D2E2F')));
    t.assertDone();
  });

  it('a card that answers mutual authentication with the wrong cryptogram is refused', async () => {
    const t = transcript('mgm-aes128-card-lies.apdu');
    const key = Uint8Array.from(Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex'));
    const s = await PivSession.open(t);
    await expect(
      s.authenticate(new SoftwareManagementKey(key, ALGORITHM.AES128, fixed('202122232425262728292A2B2C2D2E2F'))),
    ).rejects.toBeInstanceOf(CardNotAuthenticatedError);
    t.assertDone();
  });

  it('PIN status, wrong PIN, verify, change, blocked, legacy 630x, blocked PUK', async () => {
    const t = transcript('pin.apdu');
    const s = await PivSession.open(t);
    expect(await s.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    await expect(s.verifyPin('123450')).rejects.toEqual(new InvalidPinError(2));
    await s.verifyPin('123456');
    expect(await s.pinStatus()).toEqual({ verified: true, blocked: false });
    await s.changePin('123456', '654321');
    await expect(s.verifyPin('000000')).rejects.toBeInstanceOf(PinBlockedError);
    await expect(s.verifyPin('000000')).rejects.toEqual(new InvalidPinError(1));
    await expect(s.unblockPin('12345678', '654321')).rejects.toBeInstanceOf(PukBlockedError);
    t.assertDone();
  });

  it('identity: CHUID across 61xx/GET RESPONSE, Yubico version and serial', async () => {
    const t = transcript('ykpiv-identity.apdu');
    expect(await (await PivSession.open(t)).identity()).toEqual({
      guid: 'a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90',
      fascn: 'D4E739DA739CED39CE739D836858210842108421C84210C3EB',
      expiry: '20300101',
      version: '5.4.3',
      serial: 12345678,
    });
    t.assertDone();
  });

  it('PUT DATA of a 787-byte certificate is chained in 255-byte links exactly as the reference shows', async () => {
    const cert = new Uint8Array(787).map((_, i) => (i * 31) & 0xff);
    const data = toHex(
      Uint8Array.from([...Buffer.from('5C035FC1055382031C70820313', 'hex'), ...cert, ...Buffer.from('710100FE00', 'hex')]),
    );
    expect(data.length / 2).toBe(805);
    const t = new TranscriptTransport(
      SELECT +
        `=> 10DB3FFFFF${data.slice(0, 510)}\n<= 9000\n` +
        `=> 10DB3FFFFF${data.slice(510, 1020)}\n<= 9000\n` +
        `=> 10DB3FFFFF${data.slice(1020, 1530)}\n<= 9000\n` +
        `=> 00DB3FFF28${data.slice(1530)}\n<= 9000\n`,
    );
    await (await PivSession.open(t)).writeCertificate(SLOT.AUTHENTICATION, cert);
    t.assertDone();
  });

  it('RSA-2048 signature with 9A: PKCS#1 v1.5 block built on the host, chained GA, 61xx response (reference bytes)', async () => {
    const key = cachedKey('rsa2048');
    const msg = new TextEncoder().encode('sign me');
    const block =
      '0001' +
      'FF'.repeat(256 - 3 - 51) +
      '00' +
      '3031300D060960864801650304020105000420' +
      createHash('sha256').update(msg).digest('hex').toUpperCase();
    expect(block.length).toBe(512);
    const sig = toHex(sign('sha256', msg, createPrivateKey(key.export({ format: 'pem', type: 'pkcs8' }))));
    const ga = `7C8201068200818201 00${block}`.replace(/ /g, '');
    const resp = `7C820104828201 00${sig}`.replace(/ /g, '');
    const t = new TranscriptTransport(
      SELECT +
        `=> 1087079AFF${ga.slice(0, 510)}\n<= 9000\n` +
        `=> 0087079A0B${ga.slice(510)}00\n<= ${resp.slice(0, 512)}6108\n` +
        `=> 00C0000008\n<= ${resp.slice(512)}9000\n`,
    );
    const out = await (await PivSession.open(t)).sign(SLOT.AUTHENTICATION, ALGORITHM.RSA2048, msg);
    expect(verify('sha256', msg, createPublicKey(key), out)).toBe(true);
    t.assertDone();
  });

  it('a command that differs from the recording fails with its line', async () => {
    const t = transcript('mgm-3des.apdu');
    const s = await PivSession.open(t);
    await expect(
      s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixed('1122334455667789'))),
    ).rejects.toThrow(/^transcript line 8: expected => 0087039B16/);
  });
});
