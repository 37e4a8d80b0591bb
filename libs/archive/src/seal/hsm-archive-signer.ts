import { X509Certificate, createHash } from 'node:crypto';
import type { HsmCertificateAuthority } from '@scm/ca';
import type { HsmContext, HsmSigningKey, KeyRef } from '@scm/hsm';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import type { ArchiveSigner, PartsSigner } from './archive-ports';

/** The archive key: signs manifests and sidecars (docs/hsm.md). */
export const ARCHIVE_KEY: KeyRef = { label: 'scm-archive', version: 1 };

/** An ArchiveSigner whose key stays in the HSM. */
export class HsmArchiveSigner implements ArchiveSigner {
  readonly algorithm = 'ECDSA-SHA256' as const;

  private constructor(
    private readonly key: HsmSigningKey,
    readonly certificates: readonly Buffer[],
  ) {}

  get keyLabel(): string {
    return `${this.key.ref.label}/${this.key.ref.version}`;
  }

  /** Opens the key (never creates it) with its certificate chain; the first certificate must be for this key. */
  static async open(hsm: HsmContext, certificates: readonly Buffer[], ref: KeyRef = ARCHIVE_KEY): Promise<HsmArchiveSigner> {
    const key = await hsm.getSigningKey(ref, 'P-256');
    if (!certificates.length || !spkiOfCert(certificates[0]).equals(key.spki))
      throw new ArchiveError(ArchiveErrorCode.SignerNotReady, `the archive certificate is not for HSM key ${ref.label}/${ref.version}`);
    return new HsmArchiveSigner(key, certificates);
  }

  sign(data: Uint8Array): Promise<Buffer> {
    return this.key.sign(data);
  }

  /** Hashes the parts here and has the HSM sign the digest (CKM_ECDSA): the data is never handed over whole. */
  startSignature(): PartsSigner {
    const hash = createHash('sha256');
    return {
      update: (part) => void hash.update(part),
      sign: () => this.key.signDigest(hash.digest()),
    };
  }
}

const spkiOfCert = (der: Uint8Array): Buffer => new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' });

/**
 * Creates the archive key pair if the token lacks it (set-up only: `scm archive init-keys`);
 * never replaces a key. Returns whether it was created.
 */
export async function provisionArchiveKey(hsm: HsmContext, ref: KeyRef = ARCHIVE_KEY): Promise<{ ref: KeyRef; created: boolean }> {
  const present = (await hsm.listKeys()).some((k) => k.ref.label === ref.label && k.ref.version === ref.version);
  if (present) await hsm.getSigningKey(ref, 'P-256');
  else await hsm.createSigningKey(ref, 'P-256');
  return { ref, created: !present };
}

/**
 * Has the CA certify the archive key (template `archive-signer`) and returns the chain, signer
 * first, up to the root. The caller keeps it (the archive signer table) and audits it.
 */
export async function certifyArchiveKey(
  hsm: HsmContext,
  ca: HsmCertificateAuthority,
  organization: string,
  ref: KeyRef = ARCHIVE_KEY,
): Promise<{ serial: string; certificates: Buffer[]; notAfter: Date }> {
  const key = await hsm.getSigningKey(ref, 'P-256');
  const cert = await ca.issue({
    template: 'archive-signer',
    subject: { commonName: `${organization} Archive Signer (${ref.label}/${ref.version})`, organization },
    publicKey: key.spki,
    identity: {},
    reference: { purpose: 'archive-signer', key: `${ref.label}/${ref.version}` },
  });
  const { chain } = await ca.certificates();
  return { serial: cert.serial, certificates: [cert.der, ...chain], notAfter: cert.notAfter };
}
