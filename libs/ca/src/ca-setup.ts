import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
import { keyLabel, type HsmContext, type KeyRef, type SigningKeyAlgorithm } from '@scm/hsm';
import { CaError, CaErrorCode } from './ca-errors';
import type { SubjectName } from './ca.port';
import type { CaStore } from './ca-store.port';
import { CONTENT_SIGNER_ID, PivContentSigner } from './content-signer';
import { HsmCertificateAuthority, subjectDn, subjectKeyKind, type CaConfig } from './hsm-certificate-authority';
import { randomSerial } from './serial-number';
import { x509Crypto, x509KeyPair, x509Signing } from './x509-interop';

export interface CaSetupOptions extends CaConfig {
  organization: string;
  rootId?: string;
  issuingId?: string;
  contentSignerId?: string;
  rootKey?: KeyRef;
  issuingKey?: KeyRef;
  contentSignerKey?: KeyRef;
  /** CA key algorithm (default P-384); the content signer uses P-256. */
  caAlgorithm?: SigningKeyAlgorithm;
  rootDays?: number;
  issuingDays?: number;
}

export interface CaHierarchy {
  root: HsmCertificateAuthority;
  issuing: HsmCertificateAuthority;
  contentSigner: PivContentSigner;
}

export const DEFAULT_KEYS = {
  root: { label: 'scm-ca-root', version: 1 },
  issuing: { label: 'scm-ca-issuing', version: 1 },
  contentSigner: { label: 'scm-content-signer', version: 1 },
} as const;

/**
 * Sets up (or reopens) the whole hierarchy on one HSM: root, issuing CA, PIV content signer,
 * and a first CRL of each CA. Idempotent. Creates keys — call it from setup only. In production
 * the root is offline: use {@link createIssuingCaRequest} and {@link installIssuingCa} instead.
 */
export async function setupCaHierarchy(hsm: HsmContext, store: CaStore, o: CaSetupOptions): Promise<CaHierarchy> {
  const rootId = o.rootId ?? 'scm-root';
  const issuingId = o.issuingId ?? 'scm-issuing';
  const signerId = o.contentSignerId ?? CONTENT_SIGNER_ID;
  const alg = o.caAlgorithm ?? 'P-384';
  const now = o.now ?? (() => new Date());

  if (!(await store.getAuthority(rootId))) {
    const rootRef = o.rootKey ?? DEFAULT_KEYS.root;
    const key = await hsm.getOrCreateSigningKey(rootRef, alg);
    const name = subjectDn({ commonName: `${o.organization} Root CA`, organization: o.organization });
    const t = now();
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerial(),
        subject: name,
        issuer: name,
        notBefore: new Date(t.getTime() - 300_000),
        notAfter: new Date(t.getTime() + (o.rootDays ?? 20 * 365) * 86_400_000),
        publicKey: key.spki,
        ...x509Signing(key),
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(key.spki, false, x509Crypto(hsm)),
        ],
      },
      x509Crypto(hsm),
    );
    await store.putAuthority({ caId: rootId, role: 'root', der: Buffer.from(cert.rawData), keyLabel: keyLabel(rootRef) });
  }
  const root = await HsmCertificateAuthority.open(hsm, store, rootId, o);

  if (!(await store.getAuthority(issuingId))) {
    const issuingRef = o.issuingKey ?? DEFAULT_KEYS.issuing;
    const key = await hsm.getOrCreateSigningKey(issuingRef, alg);
    const cert = await root.issueCaCertificate({
      subject: { commonName: `${o.organization} Issuing CA 1`, organization: o.organization },
      publicKey: key.spki,
      days: o.issuingDays ?? 10 * 365,
      pathLength: 0,
    });
    await store.putAuthority({ caId: issuingId, role: 'issuing', der: cert.der, keyLabel: keyLabel(issuingRef), parentId: rootId });
  }
  const issuing = await HsmCertificateAuthority.open(hsm, store, issuingId, o);

  if (!(await store.getAuthority(signerId))) {
    const signerRef = o.contentSignerKey ?? DEFAULT_KEYS.contentSigner;
    const key = await hsm.getOrCreateSigningKey(signerRef, 'P-256');
    const cert = await issuing.issue({
      template: 'piv-content-signer',
      subject: { commonName: `${o.organization} PIV Content Signer`, organization: o.organization },
      publicKey: key.spki,
      identity: {},
    });
    await store.putAuthority({ caId: signerId, role: 'content-signer', der: cert.der, keyLabel: keyLabel(signerRef), parentId: issuingId });
  }
  const contentSigner = await PivContentSigner.open(hsm, store, signerId);

  if (!(await root.latestCrl())) await root.generateCrl();
  if (!(await issuing.latestCrl())) await issuing.generateCrl();
  return { root, issuing, contentSigner };
}

/**
 * Offline-root ceremony, step 1 on the SCM HSM: creates the issuing CA key (explicitly) and
 * returns a PKCS#10 request signed inside the HSM, to carry to the offline root.
 */
export async function createIssuingCaRequest(
  hsm: HsmContext,
  keyRef: KeyRef,
  subject: SubjectName,
  algorithm: SigningKeyAlgorithm = 'P-384',
): Promise<string> {
  const key = await hsm.createSigningKey(keyRef, algorithm);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subjectDn(subject),
      keys: x509KeyPair(key),
      signingAlgorithm: x509Signing(key).signingAlgorithm,
    },
    x509Crypto(hsm),
  );
  return csr.toString('pem');
}

/**
 * Offline-root ceremony, step 2: installs the issuing CA certificate the root signed, with the
 * root certificate (its key stays offline). Checks the certificate is for the HSM key, is a CA,
 * and verifies under the root.
 */
export async function installIssuingCa(
  hsm: HsmContext,
  store: CaStore,
  p: { issuingId: string; keyRef: KeyRef; certificate: Uint8Array | string; rootId: string; rootCertificate: Uint8Array | string },
): Promise<void> {
  const cert = new x509.X509Certificate(p.certificate as string);
  const rootCert = new x509.X509Certificate(p.rootCertificate as string);
  const key = await hsm.getSigningKey(p.keyRef);
  subjectKeyKind(key.spki);
  if (!Buffer.from(cert.publicKey.rawData).equals(key.spki)) {
    throw new CaError(CaErrorCode.NotConfigured, `the certificate is not for HSM key ${keyLabel(p.keyRef)}`, {});
  }
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca)
    throw new CaError(CaErrorCode.NotConfigured, 'the certificate is not a CA certificate', {});
  if (!(await rootCert.verify({ signatureOnly: true })) || !(await cert.verify({ publicKey: rootCert.publicKey, signatureOnly: true }))) {
    throw new CaError(CaErrorCode.NotConfigured, 'the issuing CA certificate does not verify under the root certificate', {});
  }
  const existingRoot = await store.getAuthority(p.rootId);
  if (!existingRoot) await store.putAuthority({ caId: p.rootId, role: 'root', der: Buffer.from(rootCert.rawData) });
  await store.putAuthority({
    caId: p.issuingId,
    role: 'issuing',
    der: Buffer.from(cert.rawData),
    keyLabel: keyLabel(p.keyRef),
    parentId: p.rootId,
  });
}
