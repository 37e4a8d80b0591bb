/**
 * The PIV agent against the software PIV card (libs/card-engine), driven in-process: every
 * operation of PivSession end to end, fast. The same agent over pcscd+vpcd is piv-session.pcsc.test.ts.
 */
import { createPublicKey, generateKeyPairSync, publicEncrypt, constants, verify, X509Certificate, diffieHellman } from 'node:crypto';
import { TranscriptRecorder, TranscriptTransport } from '@scm/apdu';
import {
  ALGORITHM,
  CardNotAuthenticatedError,
  DEFAULTS,
  defaultCardAgency,
  encodeCcc,
  encodeDiscovery,
  InvalidPinError,
  InvalidPukError,
  ManagementKeyRejectedError,
  NoKeyError,
  NotAuthorizedError,
  PIN_POLICY,
  PinBlockedError,
  PivSession,
  PukBlockedError,
  SLOT,
  SoftwareManagementKey,
  TOUCH_POLICY,
  uuidToGuid,
} from '@scm/piv';
import { cachedKey, certificateFor, inProcessCard } from './piv-fixtures';

jest.setTimeout(60_000);

const defaultKey = (): SoftwareManagementKey => new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY);

describe.each([
  ['extended length (from the ATR)', undefined],
  ['short APDUs with chaining', false],
])('PivSession against the software PIV card (in-process), %s', (_mode, extendedLength) => {
  async function open(): Promise<{ s: PivSession; count: () => number }> {
    const { transport, card } = inProcessCard();
    const s = await PivSession.open(transport, { atr: card.atr(), extendedLength });
    expect(s.channel.extendedLength).toBe(extendedLength ?? true);
    return { s, count: () => transport.count };
  }

  it('identifies the card: Yubico version and serial; GUID once a CHUID is written', async () => {
    const { s } = await open();
    expect(await s.identity()).toEqual({ version: expect.stringMatching(/^5\.\d+\.\d+$/), serial: 12345678 });
    await s.authenticate(defaultKey());
    const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    await s.writeChuid({ guid: uuidToGuid(guid), expiry: '20301231' });
    const id = await s.identity();
    expect(id.guid).toBe(guid);
    expect(id.expiry).toBe('20301231');
    expect(id.fascn).toMatch(/^D4E739DA/);
  });

  it('the agency picks the PIV agent by ATR and probing', async () => {
    const { transport, card } = inProcessCard();
    const hit = await defaultCardAgency().identify(transport, { atr: card.atr() });
    expect(hit?.agent.type).toBe('piv');
    expect(hit?.card).toMatchObject({ type: 'piv', serial: '12345678', label: expect.stringMatching(/^PIV \(YubiKey 5/) });
  });

  it('PIN: status without spending a try, wrong PIN counts down, blocks, PUK unblocks', async () => {
    const { s } = await open();
    expect(await s.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    expect(await s.pukStatus()).toMatchObject({ retriesLeft: 3, blocked: false });
    await expect(s.verifyPin('000000')).rejects.toEqual(new InvalidPinError(2));
    expect(await s.pinStatus()).toEqual({ verified: false, retriesLeft: 2, blocked: false });
    await s.verifyPin(DEFAULTS.PIN);
    expect(await s.pinStatus()).toEqual({ verified: true, blocked: false });
    await s.changePin(DEFAULTS.PIN, '24681357');
    await expect(s.changePin(DEFAULTS.PIN, '11112222')).rejects.toBeInstanceOf(InvalidPinError);
    await expect(s.verifyPin('000000')).rejects.toEqual(new InvalidPinError(1));
    await expect(s.verifyPin('000000')).rejects.toBeInstanceOf(PinBlockedError);
    await expect(s.verifyPin('24681357')).rejects.toBeInstanceOf(PinBlockedError);
    expect((await s.pinStatus()).blocked).toBe(true);
    await expect(s.unblockPin('87654321', '13572468')).rejects.toEqual(new InvalidPukError(2));
    await s.unblockPin(DEFAULTS.PUK, '13572468');
    await s.verifyPin('13572468');
    await s.changePuk(DEFAULTS.PUK, '99887766');
    await expect(s.changePuk(DEFAULTS.PUK, '11111111')).rejects.toEqual(new InvalidPukError(2));
    await expect(s.changePuk(DEFAULTS.PUK, '11111111')).rejects.toEqual(new InvalidPukError(1));
    await expect(s.changePuk(DEFAULTS.PUK, '11111111')).rejects.toBeInstanceOf(PukBlockedError);
    expect(await s.pukStatus()).toMatchObject({ retriesLeft: 0, blocked: true });
    await expect(s.verifyPin('1234567890')).rejects.toThrow('1 to 8 bytes');
  });

  it('management key: default 3DES, wrong key refused, writes refused without it, AES keys set and used', async () => {
    const { s } = await open();
    await expect(s.putObject(0x5fc102, Uint8Array.of(0x34, 0x00))).rejects.toBeInstanceOf(NotAuthorizedError);
    await expect(s.authenticate(new SoftwareManagementKey(new Uint8Array(24).fill(7)))).rejects.toBeInstanceOf(ManagementKeyRejectedError);
    await expect(s.authenticate(new SoftwareManagementKey(new Uint8Array(16).fill(7), ALGORITHM.AES128))).rejects.toBeInstanceOf(
      ManagementKeyRejectedError,
    );
    await s.authenticate(defaultKey());
    for (const [alg, len] of [
      [ALGORITHM.AES128, 16],
      [ALGORITHM.AES192, 24],
      [ALGORITHM.AES256, 32],
      [ALGORITHM.TDES, 24],
    ] as const) {
      const key = new Uint8Array(len).map((_, i) => (i * 7 + alg) & 0xff);
      await s.setManagementKey(key, alg);
      await s.deauthenticate();
      await expect(s.putObject(0x5fc10c, Uint8Array.of(0xfe, 0x00))).rejects.toBeInstanceOf(NotAuthorizedError);
      await s.authenticate(new SoftwareManagementKey(key, alg));
      await s.putObject(0x5fc10c, Uint8Array.of(0xfe, 0x00));
    }
    expect((await s.getMetadata(0x9b)).isDefault).toBe(false);
  });

  it('rejects a card whose mutual-auth response is wrong (the card must prove the key)', async () => {
    const { s } = await open();
    const auth = defaultKey();
    const liar = {
      algorithm: auth.algorithm,
      async respond(w: Uint8Array) {
        const r = await auth.respond(w);
        return { ...r, expected: r.expected!.map((b) => b ^ 1) };
      },
    };
    await expect(s.authenticate(liar)).rejects.toBeInstanceOf(CardNotAuthenticatedError);
  });

  it('data objects: CHUID, CCC, Key History, Printed Information (PIN to read), Discovery; delete', async () => {
    const { s } = await open();
    await s.authenticate(defaultKey());
    expect(await s.readCcc()).toBeUndefined();
    const cardId = new Uint8Array(14).map((_, i) => i + 1);
    await s.writeCcc(encodeCcc(cardId));
    expect((await s.readCcc())!.cardIdentifier.subarray(7)).toEqual(cardId);
    await s.writeKeyHistory({ onCard: 2, offCard: 0 });
    expect(await s.readKeyHistory()).toEqual({ onCard: 2, offCard: 0, url: undefined });
    await s.writePrintedInfo({ name: 'Ada Lovelace', affiliation: 'Employee' });
    await expect(s.readPrintedInfo()).rejects.toBeInstanceOf(NotAuthorizedError);
    await s.verifyPin(DEFAULTS.PIN);
    expect(await s.readPrintedInfo()).toEqual({ name: 'Ada Lovelace', affiliation: 'Employee' });
    await s.writeDiscovery(encodeDiscovery().subarray(2));
    expect((await s.readDiscovery())!.pinPolicy).toEqual(Uint8Array.of(0x40, 0x00));
    await s.putObject(0x5fc107, undefined);
    expect(await s.readCcc()).toBeUndefined();
  });

  it('generates RSA-2048/P-256/P-384 keys, signs, and the signatures verify against certificates read back', async () => {
    const { s } = await open();
    await s.authenticate(defaultKey());
    const msg = new TextEncoder().encode('proof of possession');
    for (const [slot, alg, compress] of [
      [SLOT.AUTHENTICATION, ALGORITHM.RSA2048, false],
      [SLOT.SIGNATURE, ALGORITHM.ECCP256, true],
      [SLOT.KEY_MANAGEMENT, ALGORITHM.ECCP384, false],
    ] as const) {
      const pub = await s.generateKey(slot, alg, { pinPolicy: PIN_POLICY.ONCE, touchPolicy: TOUCH_POLICY.NEVER });
      const der = await certificateFor(pub.spki, `CN=slot ${slot.toString(16)}`);
      await s.writeCertificate(slot, der, { compress });
      const back = await s.readCertificate(slot);
      expect(back).toEqual({ der, compressed: compress });
      // PIN policy once: needed before the first signature of the session only.
      if (slot === SLOT.AUTHENTICATION) {
        await expect(s.sign(slot, alg, msg)).rejects.toBeInstanceOf(NotAuthorizedError);
        await s.verifyPin(DEFAULTS.PIN);
      }
      const sig = await s.sign(slot, alg, msg, alg === ALGORITHM.ECCP384 ? 'sha384' : 'sha256');
      const cert = new X509Certificate(back!.der);
      expect(verify(alg === ALGORITHM.ECCP384 ? 'sha384' : 'sha256', msg, cert.publicKey, sig)).toBe(true);
      const meta = await s.getMetadata(slot);
      expect(meta).toMatchObject({ algorithm: alg, origin: 'generated', pinPolicy: PIN_POLICY.ONCE });
      expect(meta.publicKey!.spki).toEqual(pub.spki);
    }
    await expect(s.sign(SLOT.CARD_AUTH, ALGORITHM.ECCP256, msg)).rejects.toBeInstanceOf(NoKeyError);
  });

  it('imports RSA-2048 and P-256 keys (Yubico INS FE): decrypt, ECDH, sign with policy never', async () => {
    const { s } = await open();
    await s.authenticate(defaultKey());
    const rsa = cachedKey('rsa2048');
    expect(await s.importKey(SLOT.KEY_MANAGEMENT, rsa, { pinPolicy: PIN_POLICY.NEVER })).toBe(ALGORITHM.RSA2048);
    const secret = new TextEncoder().encode('a session key!');
    const ct = publicEncrypt({ key: createPublicKey(rsa), padding: constants.RSA_PKCS1_PADDING }, secret);
    expect(await s.decrypt(SLOT.KEY_MANAGEMENT, ALGORITHM.RSA2048, new Uint8Array(ct))).toEqual(secret);
    const ec = cachedKey('p256');
    await s.importKey(0x82, ec, { pinPolicy: PIN_POLICY.NEVER });
    const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const shared = await s.ecdh(0x82, ALGORITHM.ECCP256, peer.publicKey);
    expect(Buffer.from(shared)).toEqual(diffieHellman({ privateKey: peer.privateKey, publicKey: createPublicKey(ec) }));
    const sig = await s.sign(0x82, ALGORITHM.ECCP256, secret);
    expect(verify('sha256', secret, createPublicKey(ec), sig)).toBe(true);
    expect(await s.getMetadata(0x82)).toMatchObject({ origin: 'imported', algorithm: ALGORITHM.ECCP256 });
  });

  it('records a transcript of an identity read that replays', async () => {
    const { transport, card } = inProcessCard();
    const rec = new TranscriptRecorder(transport);
    const s = await PivSession.open(rec, { atr: card.atr(), extendedLength });
    const id = await s.identity();
    expect(rec.text()).toMatch(/^=> 00A4040005A000000308(00|000100)\n<= /);
    const replay = new TranscriptTransport(rec.text());
    expect(await (await PivSession.open(replay, { atr: card.atr(), extendedLength })).identity()).toEqual(id);
    replay.assertDone();
  });
});
