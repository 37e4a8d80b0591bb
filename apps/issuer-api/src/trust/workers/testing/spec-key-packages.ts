import { generateKeyPairSync, sign } from 'node:crypto';
import { type KeyMaterial, packageSigningInput, type WrappedKeyMaterial, wrapForWorker } from '@scm/personalisation';
import { type KeyPackageBinding, type KeyPackages, packageHeader } from '../key-package-signer';

/** The API's package key of handler specs: a software P-256 pair (the HSM's in production). */
export class SpecKeyPackages implements KeyPackages {
  readonly pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  async publicKey(): Promise<string> {
    return this.pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  async seal(material: KeyMaterial, workerKexSpki: Uint8Array, b: KeyPackageBinding): Promise<WrappedKeyMaterial> {
    const w = wrapForWorker(material, workerKexSpki, packageHeader(b));
    return {
      ...w,
      signature: sign('sha256', packageSigningInput(w), this.pair.privateKey).toString('base64'),
      signer: 'spec-package-key/1',
    };
  }
}
