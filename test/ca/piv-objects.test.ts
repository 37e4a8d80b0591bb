import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { encodeTlv, parseTlvs } from '@scm/apdu';
import {
  assertChuidBelongsTo,
  buildSecurityObject,
  buildSignedChuid,
  CaErrorCode,
  chuidSignedContent,
  InMemoryCaStore,
  NON_FEDERAL_FASCN,
  OID,
  parseChuid,
  PIV_CONTAINER,
  setupCaHierarchy,
  verifyChuid,
  verifySecurityObject,
  type CaHierarchy,
} from '@scm/ca';
import { HsmContext, type KeyRef } from '@scm/hsm';
import { scratchLabel, testHsmSettings } from '../hsm/support/settings';
import { openssl, Scratch } from './support/openssl';

/** Signed PIV objects: the CHUID (tag 3E) and the Security Object, made with the content signer in the HSM. */
describe('CHUID and Security Object signed in the HSM', () => {
  let hsm: HsmContext;
  let ca: CaHierarchy;
  let trusted: x509.X509Certificate[];
  const scratch = new Scratch();
  const keys: KeyRef[] = [];

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
    const chain = (await ca.issuing.certificates()).chain;
    trusted = [new x509.X509Certificate(chain[0])];
    scratch.file('root.pem', x509.PemConverter.encode(chain[1], 'CERTIFICATE'));
    scratch.file('issuing.pem', x509.PemConverter.encode(chain[0], 'CERTIFICATE'));
    // openssl cms has no -untrusted: the issuing CA goes into the trust file beside the root.
    scratch.file(
      'chain.pem',
      `${x509.PemConverter.encode(chain[0], 'CERTIFICATE')}\n${x509.PemConverter.encode(chain[1], 'CERTIFICATE')}\n`,
    );
  });
  afterAll(async () => {
    for (const k of keys) await hsm.destroyKey(k);
    hsm.close();
    scratch.remove();
  });

  const cmsVerify = (cms: Uint8Array, content?: Uint8Array) =>
    openssl([
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      scratch.file(`cms-${randomUUID()}.der`, cms),
      ...(content ? ['-content', scratch.file(`content-${randomUUID()}.bin`, content)] : []),
      '-binary',
      '-CAfile',
      scratch.path('chain.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);

  it('builds a CHUID with the ;9999 FASC-N, the card GUID, the expiry and a CMS signature that openssl and our verifier accept', async () => {
    const card = randomUUID();
    const chuid = await buildSignedChuid(ca.contentSigner, { guid: card, boundUuid: card, expires: new Date('2031-06-30T00:00:00Z') });
    const tags = parseTlvs(chuid).map((t) => t.tag);
    expect(tags).toEqual([0x30, 0x34, 0x35, 0x3e, 0xfe]);
    const c = parseChuid(chuid);
    expect(c.fascn.equals(NON_FEDERAL_FASCN)).toBe(true);
    expect(c.fascn.subarray(0, 3).toString('hex')).toBe('d4e739');
    expect(c.fascn[3]).toBeGreaterThanOrEqual(0x80);
    expect(c.guid).toBe(card);
    expect(c.expiry).toBe('20310630');
    expect(c.signedContent.equals(chuidSignedContent(c))).toBe(true);

    const v = await verifyChuid(chuid, { trustedIssuers: trusted });
    expect(v.signer.subject).toContain('PIV Content Signer');
    expect(cmsVerify(c.signature, c.signedContent).out).toMatch(/Verification successful/);
    // The signed attributes name the CHUID content type.
    const cmsText = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], c.signature).out;
    expect(cmsText).toMatch(/eContentType: .*\(2\.16\.840\.1\.101\.3\.6\.1\)/);
    expect(cmsText).toMatch(/object: contentType \(1\.2\.840\.113549\.1\.9\.3\)/);
    expect(cmsText).toMatch(/object: messageDigest \(1\.2\.840\.113549\.1\.9\.4\)/);
    expect(cmsText).toMatch(/eContent: <ABSENT>/);
  });

  it('a changed GUID, expiry or signature byte breaks the CHUID signature', async () => {
    const card = randomUUID();
    const chuid = await buildSignedChuid(ca.contentSigner, { guid: card, boundUuid: card, expires: new Date('2030-01-01') });
    const c = parseChuid(chuid);
    // Another card's GUID spliced into this CHUID, keeping the signature.
    const other = Buffer.from(chuid);
    const guidAt = chuid.indexOf(Buffer.from(card.replace(/-/g, ''), 'hex'));
    other[guidAt + 15] ^= 0x01;
    await expect(verifyChuid(other, { trustedIssuers: trusted })).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
    expect(cmsVerify(c.signature, parseChuid(other).signedContent).out).not.toMatch(/Verification successful/);
    const later = Buffer.from(chuid);
    later[chuid.indexOf(Buffer.from('20300101')) + 3] = 0x39;
    await expect(verifyChuid(later, { trustedIssuers: trusted })).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
    const sig = Buffer.from(c.signature);
    sig[sig.length - 5] ^= 0x40;
    const badSig = Buffer.concat([c.signedContent, encodeTlv(0x3e, sig), encodeTlv(0xfe)]);
    await expect(verifyChuid(badSig, { trustedIssuers: trusted })).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
    // Signed by a CA nobody trusts: a self-made issuer is refused.
    const stranger = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Stranger',
      keys: await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    await expect(verifyChuid(chuid, { trustedIssuers: [stranger] })).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
    // An unsigned CHUID (as yubico-piv-tool writes it) is not accepted as signed.
    const unsigned = Buffer.concat([c.signedContent, encodeTlv(0x3e), encodeTlv(0xfe)]);
    await expect(verifyChuid(unsigned, { trustedIssuers: trusted })).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
  });

  it('refuses to build a CHUID for a GUID that is not the request card, and to copy a CHUID onto another card', async () => {
    const mine = randomUUID();
    const theirs = randomUUID();
    await expect(
      buildSignedChuid(ca.contentSigner, { guid: theirs, boundUuid: mine, expires: new Date('2030-01-01') }),
    ).rejects.toMatchObject({
      code: CaErrorCode.GuidMismatch,
    });
    const chuid = await buildSignedChuid(ca.contentSigner, { guid: mine, boundUuid: mine.toUpperCase(), expires: new Date('2030-01-01') });
    expect(assertChuidBelongsTo(chuid, mine).guid).toBe(mine);
    expect(() => assertChuidBelongsTo(chuid, theirs)).toThrow(expect.objectContaining({ code: CaErrorCode.GuidMismatch }));
  });

  it('builds a Security Object over the CHUID and Discovery that verifies, and detects a changed object', async () => {
    const card = randomUUID();
    const chuid = await buildSignedChuid(ca.contentSigner, { guid: card, boundUuid: card, expires: new Date('2030-01-01') });
    const discovery = Buffer.from('4f0ba0000003080000100001005f2f024000', 'hex');
    const objects = [
      { containerId: PIV_CONTAINER.chuid, value: chuid },
      { containerId: PIV_CONTAINER.discovery, value: discovery },
    ];
    const so = await buildSecurityObject(ca.contentSigner, objects);
    const tlvs = parseTlvs(so);
    expect(tlvs.map((t) => t.tag)).toEqual([0xba, 0xbb, 0xfe]);
    expect(Buffer.from(tlvs[0].value).toString('hex')).toBe('013000066050');
    expect((await verifySecurityObject(so, objects, { trustedIssuers: trusted })).covered).toEqual([
      PIV_CONTAINER.chuid,
      PIV_CONTAINER.discovery,
    ]);

    const out = scratch.path('lds.der');
    const r = openssl([
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      scratch.file('so.der', tlvs[1].value),
      '-binary',
      '-CAfile',
      scratch.path('chain.pem'),
      '-purpose',
      'any',
      '-out',
      out,
    ]);
    expect(r.out).toMatch(/Verification successful/);
    const lds = openssl(['asn1parse', '-inform', 'DER', '-in', out]).out;
    expect(lds).toContain('sha256');
    expect(lds.match(/OCTET STRING/g)).toHaveLength(2);
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], tlvs[1].value).out).toContain(`(${OID.icaoLdsSecurityObject})`);

    const changed = Buffer.from(discovery);
    changed[changed.length - 1] = 0x10;
    await expect(
      verifySecurityObject(so, [objects[0], { containerId: PIV_CONTAINER.discovery, value: changed }], { trustedIssuers: trusted }),
    ).rejects.toMatchObject({ code: CaErrorCode.SignatureInvalid });
    await expect(buildSecurityObject(ca.contentSigner, [objects[0]])).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest });
    await expect(buildSecurityObject(ca.contentSigner, [objects[0], { containerId: 0x0101, value: discovery }])).rejects.toMatchObject({
      code: CaErrorCode.InvalidRequest,
    });
  });
});
