import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
import { keyRefFrom, type HsmContext, type HsmSigningKey } from '@scm/hsm';
import { CaError, CaErrorCode } from './ca-errors';
import type { CaStore } from './ca-store.port';
import type { CmsSigner } from './cms-signed-data';
import { OID } from './oids';

/** Default store id of the PIV content signer (its certificate and key label). */
export const CONTENT_SIGNER_ID = 'scm-content-signer';

/** The PIV content signer: a key in the HSM with an id-PIV-content-signing certificate. */
export class PivContentSigner implements CmsSigner {
  private constructor(
    readonly key: HsmSigningKey,
    readonly certificate: x509.X509Certificate,
  ) {}

  /** Opens the signer set up earlier (certificate from the store, key from the HSM; never creates). */
  static async open(hsm: HsmContext, store: CaStore, id = CONTENT_SIGNER_ID): Promise<PivContentSigner> {
    const auth = await store.getAuthority(id);
    if (!auth || auth.role !== 'content-signer' || !auth.keyLabel) {
      throw new CaError(CaErrorCode.NotConfigured, `PIV content signer ${id} is not set up`, { id });
    }
    const key = await hsm.getSigningKey(keyRefFrom(auth.keyLabel));
    return PivContentSigner.from(key, new x509.X509Certificate(auth.der));
  }

  /** Pairs a key with its certificate, checking they belong together and the EKU is right. */
  static from(key: HsmSigningKey, certificate: x509.X509Certificate): PivContentSigner {
    if (!Buffer.from(certificate.publicKey.rawData).equals(key.spki)) {
      throw new CaError(CaErrorCode.NotConfigured, `the content-signer certificate is not for HSM key ${key.label}`, { key: key.label });
    }
    const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
    if (!eku?.usages.includes(OID.pivContentSigning)) {
      throw new CaError(CaErrorCode.NotConfigured, 'the content-signer certificate lacks id-PIV-content-signing', {});
    }
    return new PivContentSigner(key, certificate);
  }
}
