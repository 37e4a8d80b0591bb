import 'reflect-metadata';
import { X509Certificate, createHash, createPublicKey, verify, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { PivCard, SoftPivBackend } from '@scm/card-engine';
import {
  ALGORITHM,
  DEFAULTS,
  InvalidPinError,
  NotAuthorizedError,
  PivSession,
  SoftwareManagementKey,
  uuidToGuid,
  type ManagementKeyAuthenticator,
} from '@scm/piv';
import { VscError, VscErrorCode } from '../vsc-errors';
import { KeyAlgorithm } from '../format/vsc-model';
import { TEST_KDF, testDeps } from '../testing/fixtures';
import { selfSignedCertificate } from '../control/certificates';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { VscObjectStore } from './card-object-store';
import { copyCard, pasteObjects } from './copy-objects';
import { PivCardStore } from './piv-card-store';
import { VSC_SERIAL, VscCardBackend } from './vsc-card-backend';
import { serveVsc } from './serve-vsc';
import { VscFile } from '../store/vsc-file';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PIN = '123456';

function inProcess(card: PivCard): { transmit(a: Uint8Array): Promise<Uint8Array> } {
  card.powerOn();
  return { transmit: (a) => card.transmit(a) };
}

async function newVsc(): Promise<VirtualSmartCard> {
  const vsc = await VirtualSmartCard.create({ serial: '00001079', pin: PIN, kdf: TEST_KDF, allowWeakKdf: true }, testDeps());
  await vsc.generateKey(0x9a, KeyAlgorithm.RSA2048);
  vsc.putCertificate(await selfSignedCertificate(vsc, 0x9a, 'VSC user'), { slot: 0x9a });
  await vsc.generateKey(0x9c, KeyAlgorithm.P256);
  vsc.putCertificate(await selfSignedCertificate(vsc, 0x9c, 'VSC user signing'), { slot: 0x9c });
  return VirtualSmartCard.load(await vsc.toStandaloneFile(), testDeps());
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('a VSC served as a PIV card (card engine over VscCardBackend, in-process)', () => {
  let vsc: VirtualSmartCard;
  let backend: VscCardBackend;
  let card: PivCard;
  let s: PivSession;
  let saves = 0;

  beforeAll(async () => {
    vsc = await newVsc();
    backend = new VscCardBackend(vsc, async () => {
      saves++;
      await vsc.toStandaloneFile();
    });
    card = new PivCard(backend);
    s = await PivSession.open(inProcess(card), { atr: card.atr() });
  }, 60000);

  it('identifies itself as a VSC: its own ATR and serial, the VSC id as CHUID GUID', async () => {
    const id = await s.identity();
    expect(id.guid).toBe(vsc.id);
    expect(id.serial).toBe(VSC_SERIAL);
    expect(Buffer.from(card.atr()).toString('latin1')).toContain('SCMVSC');
    const c9a = await s.readCertificate(0x9a);
    expect(Buffer.from(c9a?.der ?? [])).toEqual(Buffer.from(vsc.certificate(0x9a) ?? []));
  });

  it('needs the PIN through the cardholder path, counts wrong ones, and signs with the VSC keys', async () => {
    const data = Buffer.from('signed by a served VSC');
    expect(await caught(s.sign(0x9a, ALGORITHM.RSA2048, data))).toBeInstanceOf(NotAuthorizedError);
    const wrong = await caught(s.verifyPin('654321'));
    expect(wrong).toBeInstanceOf(InvalidPinError);
    expect((wrong as InvalidPinError).retriesLeft).toBe(2);
    expect(vsc.state.pin.remaining).toBe(2);
    await s.verifyPin(PIN);
    expect(vsc.state.pin.remaining).toBe(3);
    const sig = await s.sign(0x9a, ALGORITHM.RSA2048, data);
    const pub = new X509Certificate(Buffer.from(vsc.certificate(0x9a) ?? [])).publicKey;
    expect(verify('sha256', data, pub, sig)).toBe(true);
    // 9C: PIN policy "always", a VERIFY immediately before each signature.
    await s.verifyPin(PIN);
    const ecSig = await s.sign(0x9c, ALGORITHM.ECCP256, data);
    expect(verify('sha256', data, new X509Certificate(Buffer.from(vsc.certificate(0x9c) ?? [])).publicKey, ecSig)).toBe(true);
  });

  it('wipes the opened areas when the card is powered off', async () => {
    expect(vsc.access).toBe('cardholder');
    card.powerOff();
    backend.endSession();
    expect(vsc.access).toBe('none');
    const s2 = await PivSession.open(inProcess(card), { atr: card.atr() });
    expect(await caught(s2.sign(0x9a, ALGORITHM.RSA2048, Buffer.from('x')))).toBeInstanceOf(NotAuthorizedError);
  });

  it('refuses card management: a served VSC is changed with scm vsc', async () => {
    const e = await caught(s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY)));
    expect(e).toBeInstanceOf(Error);
    expect(String((e as Error).message)).toMatch(/6985|conditions/i);
  });

  it('changes the PIN with CHANGE REFERENCE DATA and saves the new version', async () => {
    const before = saves;
    await s.changePin(PIN, '246810');
    expect(saves).toBe(before + 1);
    const again = await VirtualSmartCard.load(await vsc.toStandaloneFile(), testDeps());
    await again.verifyPin('246810');
  });

  it('refuses to work once disabled', async () => {
    await vsc.disable();
    const e = await caught(s.verifyPin('246810'));
    expect(String((e as Error).message)).toMatch(/6985|conditions/i);
  });
});

describe('serveVsc', () => {
  it('refuses a disabled or an expired VSC before anything reaches a reader', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vsc-serve-'));
    try {
      let now = Date.UTC(2030, 0, 1);
      const deps = testDeps(undefined, { clock: () => now });
      const vsc = await VirtualSmartCard.create(
        { pin: PIN, kdf: TEST_KDF, allowWeakKdf: true, expiresAt: Date.UTC(2030, 0, 2) / 1000 },
        deps,
      );
      const path = join(dir, 'v.vsc');
      await writeFile(path, await vsc.toStandaloneFile());
      // Port 9 (discard) is never a vpcd: a refusal must come before any connection attempt.
      const file = await VscFile.open(path, deps);
      await file.vsc.disable();
      const disabled = await caught(serveVsc(file, { port: 9 }));
      expect((disabled as VscError).code).toBe(VscErrorCode.Disabled);
      await file.vsc.enable();
      now = Date.UTC(2030, 0, 3);
      const expired = await caught(serveVsc(await VscFile.open(path, deps), { port: 9 }));
      expect((expired as VscError).code).toBe(VscErrorCode.Expired);
      expect((expired as VscError).message).toMatch(/expired at 2030-01-02T00:00:00/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------------------------------------ copy and paste

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function certFor(spki: Uint8Array, cn: string): Promise<Uint8Array> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    subject: `CN=${cn}`,
    issuer: 'CN=copy test CA',
    notBefore: new Date(Date.now() - 60000),
    notAfter: new Date(Date.now() + 86400000),
    publicKey: spki,
    signingKey: keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  });
  return new Uint8Array(cert.rawData);
}

const mgm = (): ManagementKeyAuthenticator => new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY);

async function personalisedCard(serial: number): Promise<{ session: PivSession; guid: string }> {
  const card = new PivCard(new SoftPivBackend({ serial }));
  const session = await PivSession.open(inProcess(card), { atr: card.atr() });
  await session.authenticate(mgm());
  const k9a = await session.generateKey(0x9a, ALGORITHM.RSA2048);
  await session.writeCertificate(0x9a, await certFor(k9a.spki, `card ${serial} auth`));
  const k9c = await session.generateKey(0x9c, ALGORITHM.ECCP256);
  await session.writeCertificate(0x9c, await certFor(k9c.spki, `card ${serial} sign`));
  const guid = `0f1e2d3c-4b5a-6978-8796-${serial.toString(16).padStart(12, '0')}`;
  await session.writeChuid({ guid: uuidToGuid(guid), expiry: '20301231' });
  await session.verifyPin(PIN);
  await session.writePrintedInfo({ name: 'Mike Hamann' });
  return { session, guid };
}

async function blankCard(serial: number): Promise<PivSession> {
  const card = new PivCard(new SoftPivBackend({ serial }));
  return PivSession.open(inProcess(card), { atr: card.atr() });
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('copy and paste of objects between cards and VSCs (in-process cards)', () => {
  it('backs a card up into a VSC (every object but private keys) and restores it onto a blank card', async () => {
    const { session: src, guid } = await personalisedCard(7001);
    const backup = await VirtualSmartCard.create(
      { serial: '7001', kind: 'backup', pin: PIN, kdf: TEST_KDF, allowWeakKdf: true },
      testDeps(),
    );
    const report = await copyCard(new PivCardStore(src, { pinVerified: true }), new VscObjectStore(backup));
    const names = report.copied.map((o) => o.name).sort();
    expect(names).toEqual(['cert-9a', 'cert-9c', 'key-9a', 'key-9c', 'piv-chuid', 'piv-printed-information'].sort());
    expect(backup.getObject('piv-printed-information')).toMatchObject({ area: 'private', cardTag: 0x5fc109 });
    // The public keys came from GET METADATA; no private key reached the VSC.
    expect(backup.hasPrivateKey(0x9a)).toBe(false);
    expect(backup.publicKey(0x9a)?.origin).toBe('copied');
    const file = await backup.toStandaloneFile();

    const reopened = await VirtualSmartCard.load(file, testDeps());
    await reopened.verifyPin(PIN);
    const dst = await blankCard(7002);
    const restored = await pasteObjects(reopened.listObjects(), new PivCardStore(dst, { managementKey: mgm() }), {
      skipKeys: true,
      skipIdentity: true,
    });
    expect(restored.copied.map((o) => o.name).sort()).toEqual(['cert-9a', 'cert-9c', 'piv-printed-information']);
    expect(restored.skipped.map((s) => s.object.name).sort()).toEqual(['key-9a', 'key-9c', 'piv-chuid']);
    for (const slot of [0x9a, 0x9c]) {
      expect(sha((await dst.readCertificate(slot))?.der ?? new Uint8Array())).toBe(
        sha((await src.readCertificate(slot))?.der ?? new Uint8Array()),
      );
    }
    // The blank card keeps no identity of the source card.
    expect((await dst.identity()).guid).toBeUndefined();
    // Onto its own card, the CHUID goes back.
    await pasteObjects([reopened.getObject('piv-chuid') as never], new PivCardStore(src, { managementKey: mgm() }));
    expect((await src.identity()).guid).toBe(guid);
  });

  it('refuses to copy a CHUID onto another card', async () => {
    const { session: a } = await personalisedCard(7003);
    const b = await blankCard(7004);
    const from = new PivCardStore(a);
    const chuid = (await from.list()).filter((o) => o.name === 'piv-chuid');
    const e = await caught(pasteObjects(chuid, new PivCardStore(b, { managementKey: mgm() })));
    expect(e).toBeInstanceOf(VscError);
    expect((e as VscError).code).toBe(VscErrorCode.IdentityCopyRefused);
    expect((await b.identity()).guid).toBeUndefined();
  });

  it('says clearly what a PIV card cannot hold, and writes nothing then', async () => {
    const vsc = await VirtualSmartCard.create({ pin: PIN, kdf: TEST_KDF, allowWeakKdf: true }, testDeps());
    vsc.putData({ name: 'account number', area: 'private', value: Buffer.from('0012345678') });
    vsc.putData({ name: 'big', area: 'public', value: Buffer.alloc(4000, 1) });
    await vsc.generateKey(0x9d, KeyAlgorithm.P256);
    vsc.putCertificate(await selfSignedCertificate(vsc, 0x9d, 'km'), { slot: 0x9d });
    const card = await blankCard(7005);
    const e = await caught(pasteObjects(vsc.listObjects(), new PivCardStore(card, { managementKey: mgm() })));
    expect(e).toBeInstanceOf(VscError);
    const msg = (e as VscError).message;
    expect((e as VscError).code).toBe(VscErrorCode.CannotHold);
    expect(msg).toMatch(/account number.*no PIN-protected place/);
    expect(msg).toMatch(/big.*at most 3063/);
    expect(msg).toMatch(/public key key-9d.*private part/);
    expect(msg).toMatch(/nothing was written/);
    expect(await card.readCertificate(0x9d)).toBeUndefined();
  });

  it('copies named data objects card to card through the SCM vendor range when the card takes it', async () => {
    // The in-process software card keeps to YubiKey's ranges; a store over a card that takes 5FFF20+ round-trips.
    const objects = new Map<number, Uint8Array>();
    const fake = {
      async getObject(tag: number) {
        return objects.get(tag);
      },
      async putObject(tag: number, v: Uint8Array | undefined) {
        if (v) objects.set(tag, v);
        else objects.delete(tag);
      },
      async readCertificate() {
        return undefined;
      },
      async tryMetadata() {
        return undefined;
      },
      async authenticate() {},
    } as unknown as PivSession;
    const store = new PivCardStore(fake, { managementKey: mgm() });
    await pasteObjects(
      [
        {
          kind: 'data',
          name: 'business card',
          area: 'public',
          mediaType: 'text/vcard',
          value: Buffer.from('BEGIN:VCARD\r\nFN:Mike Hamann\r\nEND:VCARD'),
        },
        { kind: 'data', name: 'urls', area: 'public', mediaType: 'text/uri-list', value: Buffer.from('https://example.org/') },
      ],
      store,
    );
    expect([...objects.keys()]).toEqual([0x5fff20, 0x5fff21]);
    const listed = await new PivCardStore(fake).list();
    expect(listed.map((o) => o.name)).toEqual(['business card', 'urls']);
    expect(listed[0]).toMatchObject({ mediaType: 'text/vcard' });
  });

  it('never exports private keys through the card API', async () => {
    const vsc = await newVsc();
    await vsc.verifyPin(PIN);
    const listed = await new VscObjectStore(vsc).list();
    expect(listed.every((o) => o.kind !== 'key' || !('pkcs8' in o))).toBe(true);
    const spki = vsc.publicKey(0x9a)?.spki ?? new Uint8Array();
    expect(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).type).toBe('public');
  }, 60000);
});
