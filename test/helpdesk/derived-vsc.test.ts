import 'reflect-metadata';
import { randomBytes, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { type CaHierarchy, InMemoryCaStore, PIV_CONTAINER, setupCaHierarchy, verifyChuid, verifySecurityObject } from '@scm/ca';
import { HsmContext, type KeyRef } from '@scm/hsm';
import { decodeKeyHistory } from '@scm/piv';
import { CHUID_TAG, KEY_HISTORY_TAG, MemoryKeyProtector, SECURITY_OBJECT_TAG, VirtualSmartCard, type VscDeps } from '@scm/vsc';
import { fillDerivedVsc, recoverableKeys, type CardProfileDefinition } from '../../apps/issuer-api/src';
import { scratchLabel, testHsmSettings } from '../hsm/support/settings';

/**
 * The VSCs the help desk derives from escrow (issue 8), slot by slot, with a CA on the test HSM:
 * a reissue moves the current 9D key to retired slot 82 and each earlier one a slot further,
 * makes new keys for the profile's VSC slots and a PUK, and leaves on-card slots to the card; a
 * temporary card keeps 9D (and retired keys) where they were and gets fresh keys elsewhere, with
 * certificates ending at its expiry. Both carry a new GUID, the cardholder's data objects and a
 * Security Object over CHUID, CCC, Discovery and Key History.
 */
const PROFILE: CardProfileDefinition = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9c': { algorithm: 'p256', template: 'piv-digital-signature', escrow: 'on-card' },
    '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'on-card' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays: 30,
};
const HOLDER = { id: 'c0ffee00-0000-4000-8000-000000000001', name: 'Ada Example', upn: 'ada@corp.example', email: 'ada@example.org' };
const spkiOf = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).publicKey.export({ format: 'der', type: 'spki' });

describe('VSCs derived from escrow: reissue and temporary card', () => {
  let hsm: HsmContext;
  let ca: CaHierarchy;
  let deps: VscDeps;
  let trusted: x509.X509Certificate[];
  const keys: KeyRef[] = [];
  let source: VirtualSmartCard;
  /** Certificates of the source's key-management keys: 9D now, 82 from an earlier reissue. */
  let source9d: Buffer;
  let source82: Buffer;

  beforeAll(async () => {
    hsm = HsmContext.open(testHsmSettings());
    const ref = (what: string): KeyRef => {
      const r = { label: scratchLabel(what), version: 1 };
      keys.push(r);
      return r;
    };
    ca = await setupCaHierarchy(hsm, new InMemoryCaStore(), {
      organization: 'SCM Test',
      publicBaseUrl: 'http://pki.scm.test',
      rootKey: ref('root'),
      issuingKey: ref('issuing'),
      contentSignerKey: ref('signer'),
    });
    trusted = [new x509.X509Certificate((await ca.issuing.certificates()).certificate)];
    deps = { protector: new MemoryKeyProtector(randomBytes(32), randomBytes(32)) };
    // A cardholder's escrow after one reissue already: 9D current, 82 the key before it, the 9A public key of an on-card slot.
    source = await VirtualSmartCard.create({ kind: 'escrow', allowWeakKdf: true }, deps);
    for (const slot of [0x9d, 0x82]) {
      const k = await source.generateKey(slot, 0x07, { escrow: 'escrow' });
      const c = await ca.issuing.issue({
        template: 'piv-key-management',
        publicKey: k.spki,
        subject: { commonName: HOLDER.name },
        identity: { email: HOLDER.email },
      });
      source.putCertificate(c.der, { slot });
    }
    source.putPublicKey(0x9a, (await VirtualSmartCard.create({ allowWeakKdf: true }, deps).then((v) => v.generateKey(0x9a, 0x11))).spki);
    source.putData({ name: 'business card', area: 'public', value: Buffer.from('BEGIN:VCARD\nEND:VCARD\n'), mediaType: 'text/vcard' });
    source.putData({ name: 'account number', area: 'private', value: Buffer.from('0012345678') });
    await source.seal();
    source9d = Buffer.from(source.certificate(0x9d)!);
    source82 = Buffer.from(source.certificate(0x82)!);
  }, 60_000);

  afterAll(async () => {
    source?.close();
    for (const k of keys) await hsm.destroyKey(k).catch(() => undefined);
    hsm.close();
  });

  it('lists the recoverable key-management keys newest first', () => {
    expect(recoverableKeys(source).map((k) => k.slot)).toEqual([0x9d, 0x82]);
  });

  it('reissue: a new 9D key, the earlier ones in 82 and 83 with their certificates, Key History, a PUK, on-card slots left to the card', async () => {
    const vsc = await VirtualSmartCard.create({ kind: 'escrow', parentId: source.id }, deps);
    const expires = new Date(Date.now() + 30 * 86_400_000);
    const made = await fillDerivedVsc(
      vsc,
      source,
      {
        mode: 'reissue',
        kind: 'escrow',
        profile: PROFILE,
        holder: HOLDER,
        organization: 'SCM Test',
        expires,
        reference: { requestId: 'r1' },
        authorisation: 'a1',
      },
      { ca: ca.issuing, signer: ca.contentSigner },
    );
    expect(made.recovered).toEqual([
      { from: '9d', to: '82', serial: new X509Certificate(source9d).serialNumber.toLowerCase() },
      { from: '82', to: '83', serial: new X509Certificate(source82).serialNumber.toLowerCase() },
    ]);
    expect(Object.keys(made.issued)).toEqual(['9d']);
    expect(made.onCard).toEqual(['9a', '9c', '9e']);
    expect(Buffer.from(vsc.certificate(0x82)!).equals(source9d)).toBe(true);
    expect(Buffer.from(vsc.certificate(0x83)!).equals(source82)).toBe(true);
    expect(Buffer.from(vsc.publicKey(0x82)!.spki).equals(spkiOf(source9d))).toBe(true);
    expect(Buffer.from(vsc.publicKey(0x9d)!.spki).equals(spkiOf(source9d))).toBe(false);
    expect(vsc.hasPrivateKey(0x82) && vsc.hasPrivateKey(0x83) && vsc.hasPrivateKey(0x9d)).toBe(true);
    expect(vsc.publicKey(0x9a)).toBeUndefined();
    expect(vsc.cardCredentials().puk).toHaveLength(8);
    // The recovered keys are the escrowed ones: same key, same decryption.
    const msg = Buffer.from('old mail');
    const { publicEncrypt, constants } = await import('node:crypto');
    const enc = publicEncrypt(
      { key: new X509Certificate(source82).publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      msg,
    );
    expect(vsc.decrypt(0x83, enc).equals(msg)).toBe(true);

    const data = (tag: number) => {
      const o = vsc.listObjects().find((x) => x.kind === 'data' && x.cardTag === tag);
      return o?.kind === 'data' ? Buffer.from(o.value) : undefined;
    };
    expect(decodeKeyHistory(data(KEY_HISTORY_TAG)!)).toMatchObject({ onCard: 2, offCard: 0 });
    const chuid = await verifyChuid(data(CHUID_TAG)!, { trustedIssuers: trusted });
    expect(chuid.guid).toBe(vsc.id);
    expect(vsc.id).not.toBe(source.id);
    const covered = await verifySecurityObject(
      data(SECURITY_OBJECT_TAG)!,
      [
        { containerId: PIV_CONTAINER.chuid, value: data(CHUID_TAG)! },
        { containerId: PIV_CONTAINER.keyHistory, value: data(KEY_HISTORY_TAG)! },
      ],
      { trustedIssuers: trusted },
    );
    expect(covered.covered).toEqual(expect.arrayContaining([PIV_CONTAINER.chuid, PIV_CONTAINER.keyHistory]));
    expect(vsc.getObject('business card')).toMatchObject({ area: 'public', mediaType: 'text/vcard' });
    expect(vsc.getObject('account number')).toMatchObject({ area: 'private' });
    vsc.close();
  });

  it('temporary card: 9D and 82 stay the escrowed keys, 9A/9C/9E are fresh with certificates ending at its expiry, no PUK', async () => {
    const expires = new Date(Date.now() + 7 * 86_400_000);
    const vsc = await VirtualSmartCard.create(
      { kind: 'temporary', parentId: source.id, expiresAt: Math.floor(expires.getTime() / 1000) },
      deps,
    );
    const made = await fillDerivedVsc(
      vsc,
      source,
      {
        mode: 'temporary',
        kind: 'temporary',
        profile: PROFILE,
        holder: HOLDER,
        organization: 'SCM Test',
        expires,
        reference: { temporaryCardId: vsc.id },
        authorisation: 'a2',
      },
      { ca: ca.issuing, signer: ca.contentSigner },
    );
    expect(made.recovered.map((r) => `${r.from}>${r.to}`)).toEqual(['9d>9d', '82>82']);
    expect(Object.keys(made.issued).sort()).toEqual(['9a', '9c', '9e']);
    expect(Buffer.from(vsc.certificate(0x9d)!).equals(source9d)).toBe(true);
    for (const slot of [0x9a, 0x9c, 0x9e]) {
      const cert = new X509Certificate(Buffer.from(vsc.certificate(slot)!));
      expect(Math.abs(new Date(cert.validTo).getTime() - expires.getTime())).toBeLessThan(1000);
      expect(vsc.hasPrivateKey(slot)).toBe(true);
      expect(vsc.publicKey(slot)!.escrow).toBe('regenerate');
    }
    // The card UUID in the fresh 9A and 9E certificates is the temporary card's own.
    expect(new X509Certificate(Buffer.from(vsc.certificate(0x9e)!)).subjectAltName).toContain(`urn:uuid:${vsc.id}`);
    expect(Buffer.from(vsc.publicKey(0x9a)!.spki).equals(Buffer.from(source.publicKey(0x9a)!.spki))).toBe(false);
    expect(vsc.cardCredentials().puk).toBeUndefined();
    vsc.close();
  });

  it('reissue of a damaged card with an escrowed 9C (seed-like profile): the 9C key is restored with a new certificate; never for a lost card', async () => {
    const profile: CardProfileDefinition = {
      ...PROFILE,
      slots: { ...PROFILE.slots, '9c': { algorithm: 'p256', template: 'piv-digital-signature', escrow: 'escrow' } },
    };
    const src = await VirtualSmartCard.create({ kind: 'escrow' }, deps);
    const k9c = await src.generateKey(0x9c, 0x11, { escrow: 'escrow' });
    src.putCertificate(
      (
        await ca.issuing.issue({
          template: 'piv-digital-signature',
          publicKey: k9c.spki,
          subject: { commonName: HOLDER.name },
          identity: { email: HOLDER.email },
        })
      ).der,
      { slot: 0x9c },
    );
    await src.seal();
    const expires = new Date(Date.now() + 86_400_000);
    const run = async (restoreEscrowed: boolean) => {
      const vsc = await VirtualSmartCard.create({ kind: 'escrow' }, deps);
      const made = await fillDerivedVsc(
        vsc,
        src,
        {
          mode: 'reissue',
          kind: 'escrow',
          profile,
          holder: HOLDER,
          organization: 'SCM Test',
          expires,
          reference: { requestId: 'r3' },
          authorisation: 'a3',
          restoreEscrowed,
        },
        { ca: ca.issuing, signer: ca.contentSigner },
      );
      const same = Buffer.from(vsc.publicKey(0x9c)!.spki).equals(Buffer.from(k9c.spki));
      const certSerial = new X509Certificate(Buffer.from(vsc.certificate(0x9c)!)).serialNumber.toLowerCase();
      vsc.close();
      return { made, same, certSerial };
    };
    const damaged = await run(true);
    expect(damaged.made.restored).toEqual(['9c']);
    expect(damaged.same).toBe(true);
    expect(damaged.certSerial).toBe(damaged.made.issued['9c']);
    expect(damaged.certSerial).not.toBe(new X509Certificate(Buffer.from(src.certificate(0x9c)!)).serialNumber.toLowerCase());
    const lost = await run(false);
    expect(lost.made.restored).toEqual([]);
    expect(lost.same).toBe(false);
    src.close();
  });
});
