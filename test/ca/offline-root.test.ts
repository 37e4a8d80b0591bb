import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CaErrorCode, createIssuingCaRequest, HsmCertificateAuthority, InMemoryCaStore, installIssuingCa } from '@scm/ca';
import { HsmContext, type KeyRef } from '@scm/hsm';
import { scratchLabel, testHsmSettings } from '../hsm/support/settings';
import { certText, openssl, Scratch } from './support/openssl';

/**
 * The offline-root ceremony of docs/card-profile.md: the root key never touches SCM's HSM (here
 * openssl plays the offline root); SCM's HSM makes the issuing CA key and a CSR, the root signs
 * it, SCM installs the certificate and issues under it.
 */
describe('issuing CA under an offline root', () => {
  const scratch = new Scratch();
  let hsm: HsmContext;
  const keyRef: KeyRef = { label: scratchLabel('offline-issuing'), version: 1 };

  beforeAll(() => {
    hsm = HsmContext.open(testHsmSettings());
  });
  afterAll(async () => {
    await hsm.destroyKey(keyRef);
    hsm.close();
    scratch.remove();
  });

  const run = (args: string[]) => {
    const r = openssl(args);
    if (r.status !== 0) throw new Error(r.out);
    return r.out;
  };

  it('installs a root-signed issuing CA certificate from a CSR made in the HSM and issues certificates that chain to the offline root', async () => {
    // The offline root (a separate machine in production).
    const rootKey = scratch.path('root.key');
    run(['ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', rootKey]);
    const rootCrt = scratch.path('root.crt');
    run([
      'req', '-x509', '-new', '-key', rootKey, '-sha384', '-days', '3650', '-subj', '/O=SCM Test/CN=Offline Root',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', rootCrt,
    ]); // prettier-ignore

    // Ceremony step 1: the issuing key and CSR, inside SCM's HSM.
    const csr = await createIssuingCaRequest(hsm, keyRef, { commonName: 'SCM Test Issuing CA 2', organization: 'SCM Test' });
    expect(run(['req', '-in', scratch.file('issuing.csr', csr), '-noout', '-verify'])).toMatch(
      /verify OK|Certificate request self-signature verify OK/,
    );
    await expect(createIssuingCaRequest(hsm, keyRef, { commonName: 'again' })).rejects.toMatchObject({ code: 'hsm.key-exists' });

    // Step 2: the root signs it, offline.
    const ext = scratch.file(
      'ca.ext',
      [
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        'keyUsage=critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
        'crlDistributionPoints=URI:http://pki.scm.test/crl/offline-root.crl',
      ].join('\n'),
    );
    const issCrt = scratch.path('issuing.crt');
    run([
      'x509',
      '-req',
      '-in',
      scratch.path('issuing.csr'),
      '-CA',
      rootCrt,
      '-CAkey',
      rootKey,
      '-CAcreateserial',
      '-sha384',
      '-days',
      '1825',
      '-extfile',
      ext,
      '-out',
      issCrt,
    ]);

    // Step 3: SCM installs it, checking it is for its HSM key and verifies under the root.
    const store = new InMemoryCaStore();
    const p = { issuingId: 'scm-issuing-2', keyRef, rootId: 'offline-root', rootCertificate: readFileSync(rootCrt, 'utf8') };
    await expect(installIssuingCa(hsm, store, { ...p, certificate: readFileSync(rootCrt, 'utf8') })).rejects.toMatchObject({
      code: CaErrorCode.NotConfigured,
    });
    await installIssuingCa(hsm, store, { ...p, certificate: readFileSync(issCrt, 'utf8') });
    expect((await store.getAuthority('offline-root'))?.keyLabel).toBeUndefined();
    await expect(HsmCertificateAuthority.open(hsm, store, 'offline-root', { publicBaseUrl: 'http://pki.scm.test' })).rejects.toMatchObject({
      code: CaErrorCode.NotConfigured,
    });

    const ca = await HsmCertificateAuthority.open(hsm, store, 'scm-issuing-2', { publicBaseUrl: 'http://pki.scm.test' });
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const cert = await ca.issue({ template: 'piv-card-authentication', publicKey: spki, identity: { cardUuid: randomUUID() } });
    expect(run(['verify', '-CAfile', rootCrt, '-untrusted', issCrt, scratch.file('leaf.pem', cert.pem)])).toMatch(/: OK/);
    expect(certText(cert.der)).toContain('URI:http://pki.scm.test/crl/scm-issuing-2.crl');
    const chain = await ca.certificates();
    expect(chain.chain).toHaveLength(2);
    const crl = await ca.generateCrl();
    expect(run(['crl', '-inform', 'DER', '-in', scratch.file('c.crl', crl.der), '-CAfile', issCrt, '-noout'])).toMatch(/verify OK/);
  });
});
