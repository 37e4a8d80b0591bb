import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ObjectClass, type PrivateKey } from 'graphene-pk11';
import {
  CaErrorCode,
  HsmCertificateAuthority,
  InMemoryCaStore,
  OID,
  setupCaHierarchy,
  type CaHierarchy,
  type CertificateTemplateName,
  type IssueCertificateRequest,
} from '@scm/ca';
import { HsmContext, type KeyRef } from '@scm/hsm';
import { scratchLabel, testHsmSettings } from '../hsm/support/settings';
import { certText, crlText, openssl, Scratch } from './support/openssl';

const BASE = 'http://pki.scm.test:8080';

/** Subject keys as the VSC control program makes them: node:crypto, SPKI DER. */
function subjectKey(kind: 'P-256' | 'RSA-2048'): Buffer {
  const { publicKey } =
    kind === 'P-256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return publicKey.export({ format: 'der', type: 'spki' });
}

describe('HSM certificate authority (SoftHSM2, checked with openssl)', () => {
  let hsm: HsmContext;
  let store: InMemoryCaStore;
  let ca: CaHierarchy;
  const scratch = new Scratch();
  const keys: KeyRef[] = [];
  let rootPem: string;
  let issuingPem: string;

  beforeAll(async () => {
    hsm = HsmContext.open(testHsmSettings());
    store = new InMemoryCaStore();
    const ref = (what: string): KeyRef => {
      const r = { label: scratchLabel(what), version: 1 };
      keys.push(r);
      return r;
    };
    ca = await setupCaHierarchy(hsm, store, {
      organization: 'SCM Test',
      publicBaseUrl: BASE,
      rootKey: ref('root'),
      issuingKey: ref('issuing'),
      contentSignerKey: ref('signer'),
    });
    const chain = await ca.issuing.certificates();
    rootPem = x509.PemConverter.encode(chain.chain[1], 'CERTIFICATE');
    issuingPem = x509.PemConverter.encode(chain.chain[0], 'CERTIFICATE');
    scratch.file('root.pem', rootPem);
    scratch.file('issuing.pem', issuingPem);
    scratch.file('chain.pem', `${issuingPem}\n${rootPem}\n`);
  });
  afterAll(async () => {
    for (const k of keys) await hsm.destroyKey(k);
    hsm.close();
    scratch.remove();
  });

  const verify = (leafPem: string, extra: string[] = []) =>
    openssl([
      'verify',
      '-CAfile',
      scratch.path('root.pem'),
      '-untrusted',
      scratch.path('issuing.pem'),
      ...extra,
      scratch.file(`leaf-${randomUUID()}.pem`, leafPem),
    ]);

  it('sets up a root and an issuing CA whose certificates openssl accepts; setup again reopens the same CA', async () => {
    const rootText = certText(x509.PemConverter.decodeFirst(rootPem));
    expect(rootText).toMatch(/CA:TRUE/);
    expect(rootText).toMatch(/Certificate Sign, CRL Sign/);
    const issText = certText(x509.PemConverter.decodeFirst(issuingPem));
    expect(issText).toMatch(/CA:TRUE, pathlen:0/);
    expect(issText).toContain(`URI:${BASE}/crl/scm-root.crl`);
    expect(issText).toContain(`CA Issuers - URI:${BASE}/ca/scm-root.crt`);
    expect(issText).toMatch(/ASN1 OID: secp384r1/);
    expect(openssl(['verify', '-CAfile', scratch.path('root.pem'), scratch.path('issuing.pem')]).out).toMatch(/: OK/);
    const again = await setupCaHierarchy(hsm, store, { organization: 'SCM Test', publicBaseUrl: BASE });
    expect((await again.issuing.certificates()).certificate.equals((await ca.issuing.certificates()).certificate)).toBe(true);
  });

  const identity = { cardUuid: randomUUID(), upn: 'alice.martin@corp.example', email: 'alice.martin@example.org' };
  const subject = { commonName: 'Alice Martin', organization: 'SCM Test', organizationalUnit: ['Staff'] };

  it.each<['P-256' | 'RSA-2048', CertificateTemplateName]>([
    ['P-256', 'piv-authentication'],
    ['RSA-2048', 'piv-authentication'],
    ['P-256', 'piv-digital-signature'],
    ['RSA-2048', 'piv-digital-signature'],
    ['P-256', 'piv-key-management'],
    ['RSA-2048', 'piv-key-management'],
    ['P-256', 'piv-card-authentication'],
    ['RSA-2048', 'piv-card-authentication'],
  ])('issues a %s %s certificate that chains to the issuing CA and root with the profile extensions', async (alg, template) => {
    const cert = await ca.issuing.issue({
      template,
      publicKey: subjectKey(alg),
      subject: template === 'piv-card-authentication' ? undefined : subject,
      identity,
    });
    expect(cert.serial).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(verify(cert.pem).out).toMatch(/: OK/);
    const t = certText(cert.der);
    expect(t).toContain(`URI:${BASE}/crl/scm-issuing.crl`);
    expect(t).toContain(`CA Issuers - URI:${BASE}/ca/scm-issuing.crt`);
    expect(t).toMatch(/X509v3 Key Usage: critical/);
    expect(t).toMatch(/X509v3 Subject Key Identifier/);
    expect(t).toMatch(/X509v3 Authority Key Identifier/);
    const uuidUri = `URI:urn:uuid:${identity.cardUuid}`;
    switch (template) {
      case 'piv-authentication':
        expect(t).toMatch(/othername: UPN::alice\.martin@corp\.example/);
        expect(t).toContain(uuidUri);
        expect(t).toMatch(/Microsoft Smartcard Login/);
        expect(t).toMatch(/TLS Web Client Authentication/);
        expect(t).toMatch(/Key Usage: critical\s+Digital Signature\s/);
        expect(t).not.toContain('email:');
        break;
      case 'piv-digital-signature':
        expect(t).toMatch(/Digital Signature, Non Repudiation/);
        expect(t).toContain('email:alice.martin@example.org');
        expect(t).toMatch(/E-mail Protection/);
        expect(t).not.toContain(uuidUri);
        break;
      case 'piv-key-management':
        expect(t).toMatch(alg === 'RSA-2048' ? /Key Usage: critical\s+Key Encipherment/ : /Key Usage: critical\s+Key Agreement/);
        expect(t).toContain('email:alice.martin@example.org');
        expect(t).toMatch(/E-mail Protection/);
        break;
      case 'piv-card-authentication':
        expect(t).toContain(uuidUri);
        expect(t).toContain('2.16.840.1.101.3.6.8');
        expect(t).toContain(`Subject: CN = ${identity.cardUuid}`);
        expect(t).not.toMatch(/UPN|email:|Alice/);
        break;
    }
  });

  it('puts configured certificate policies in; none by default', async () => {
    const withPolicy = await HsmCertificateAuthority.open(hsm, store, 'scm-issuing', {
      publicBaseUrl: BASE,
      policies: { authentication: [OID.fpkiCommonAuthentication] },
    });
    const a = await withPolicy.issue({ template: 'piv-authentication', publicKey: subjectKey('P-256'), subject, identity });
    expect(certText(a.der)).toContain('Policy: 2.16.840.1.101.3.2.1.3.13');
    const b = await ca.issuing.issue({ template: 'piv-authentication', publicKey: subjectKey('P-256'), subject, identity });
    expect(certText(b.der)).not.toContain('Certificate Policies');
  });

  it('refuses requests that do not fit the template', async () => {
    const base: IssueCertificateRequest = { template: 'piv-authentication', publicKey: subjectKey('P-256'), subject, identity };
    await expect(ca.issuing.issue({ ...base, identity: { cardUuid: identity.cardUuid } })).rejects.toMatchObject({
      code: CaErrorCode.InvalidRequest,
    });
    await expect(ca.issuing.issue({ ...base, identity: { upn: identity.upn } })).rejects.toMatchObject({
      code: CaErrorCode.InvalidRequest,
    });
    await expect(ca.issuing.issue({ ...base, subject: undefined })).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    await expect(ca.issuing.issue({ ...base, publicKey: ed })).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest });
    await expect(ca.issuing.issue({ ...base, publicKey: Buffer.from('not a key') })).rejects.toMatchObject({
      code: CaErrorCode.InvalidRequest,
    });
  });

  it('never issues beyond the CA certificate', async () => {
    const c = await ca.issuing.issue({
      template: 'piv-authentication',
      publicKey: subjectKey('P-256'),
      subject,
      identity,
      validity: { days: 100 * 365 },
    });
    expect(c.notAfter.getTime()).toBe(ca.issuing.certificate.notAfter.getTime());
  });

  it('lists revoked serials with their reasons in the CRL, and a released hold leaves the next CRL', async () => {
    const issue = () => ca.issuing.issue({ template: 'piv-authentication', publicKey: subjectKey('P-256'), subject, identity });
    const [stolen, replaced, terminated, leftHome, fine] = await Promise.all([issue(), issue(), issue(), issue(), issue()]);
    await ca.issuing.revoke(stolen.serial, 'keyCompromise');
    await ca.issuing.revoke(replaced.serial, 'superseded');
    await ca.issuing.revoke(terminated.serial, 'cessationOfOperation');
    await ca.issuing.hold(leftHome.serial);
    const crl1 = await ca.issuing.generateCrl();
    const t1 = crlText(crl1.der);
    const entry = (serial: string) =>
      new RegExp(
        `Serial Number: ${serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+([A-Za-z ]+)\\n`,
      );
    expect(t1.match(entry(stolen.serial))?.[1].trim()).toBe('Key Compromise');
    expect(t1.match(entry(replaced.serial))?.[1].trim()).toBe('Superseded');
    expect(t1.match(entry(terminated.serial))?.[1].trim()).toBe('Cessation Of Operation');
    expect(t1.match(entry(leftHome.serial))?.[1].trim()).toBe('Certificate Hold');
    expect(t1).not.toContain(fine.serial.toUpperCase());
    expect(t1).toMatch(new RegExp(`X509v3 CRL Number:\\s+${crl1.crlNumber}\\b`));
    expect(t1).toMatch(/Next Update: /);
    expect(t1).toMatch(/X509v3 Authority Key Identifier/);
    // openssl checks the CRL signature and uses it.
    const crlPem = scratch.file('issuing-crl.pem', crl1.pem);
    const rootCrl = scratch.file('root-crl.pem', (await ca.root.latestCrl())!.pem);
    const crlArgs = ['-crl_check_all', '-CRLfile', crlPem, '-CRLfile', rootCrl];
    expect(verify(stolen.pem, crlArgs).out).toMatch(/certificate revoked/);
    expect(verify(leftHome.pem, crlArgs).out).toMatch(/certificate revoked/);
    expect(verify(fine.pem, crlArgs).out).toMatch(/: OK/);

    const released = await ca.issuing.release(leftHome.serial);
    expect(released.status).toBe('valid');
    const crl2 = await ca.issuing.generateCrl();
    expect(crl2.crlNumber).toBe(crl1.crlNumber + 1);
    const t2 = crlText(crl2.der);
    expect(t2).not.toContain(leftHome.serial.toUpperCase());
    expect(t2).toContain(stolen.serial.toUpperCase());
    expect(
      verify(leftHome.pem, ['-crl_check_all', '-CRLfile', scratch.file('issuing-crl2.pem', crl2.pem), '-CRLfile', rootCrl]).out,
    ).toMatch(/: OK/);
    expect((await ca.issuing.latestCrl())!.crlNumber).toBe(crl2.crlNumber);
  });

  it('follows the hold/revoke state machine', async () => {
    const c = await ca.issuing.issue({ template: 'piv-card-authentication', publicKey: subjectKey('P-256'), identity });
    await expect(ca.issuing.release(c.serial)).rejects.toMatchObject({ code: CaErrorCode.InvalidState });
    await ca.issuing.hold(c.serial);
    expect((await ca.issuing.hold(c.serial)).status).toBe('on-hold');
    const r = await ca.issuing.revoke(c.serial.toUpperCase(), 'superseded');
    expect(r).toMatchObject({ status: 'revoked', reason: 'superseded' });
    await expect(ca.issuing.hold(c.serial)).rejects.toMatchObject({ code: CaErrorCode.InvalidState });
    await expect(ca.issuing.release(c.serial)).rejects.toMatchObject({ code: CaErrorCode.InvalidState });
    expect((await ca.issuing.revoke(c.serial, 'cessationOfOperation')).reason).toBe('superseded');
    expect((await ca.issuing.revoke(c.serial, 'keyCompromise')).reason).toBe('keyCompromise');
    await expect(ca.issuing.revoke('0badc0de', 'superseded')).rejects.toMatchObject({ code: CaErrorCode.NotFound });
    await expect(ca.issuing.get('zz')).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest });
  });

  it('keeps the CA keys in the HSM: export fails and the key objects are sensitive and non-extractable', async () => {
    for (const key of [ca.root.key, ca.issuing.key, ca.contentSigner.key]) {
      await hsm.withSession(async (session, p11) => {
        await expect(p11.subtle.exportKey('pkcs8', key.privateKey as never)).rejects.toThrow(/not extractable/i);
        const obj = session.find({ class: ObjectClass.PRIVATE_KEY, label: key.label }).items(0).toType<PrivateKey>();
        expect([obj.extractable, obj.sensitive]).toEqual([false, true]);
        expect(() => obj.getAttribute({ value: null })).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      });
    }
  });
});
