import { Inject, Injectable } from '@nestjs/common';
import { CARD_KEYS } from '@scm/card-secrets';
import type { HsmContext, HsmSigningKey } from '@scm/hsm';
import {
  KEY_PACKAGE_TTL_MS,
  type KeyMaterial,
  type KeyPackagePurpose,
  type KeyTransferHeader,
  packageSigningInput,
  type WrappedKeyMaterial,
  wrapForWorker,
} from '@scm/personalisation';
import { KEY_TRANSFER_ALG } from '@scm/personalisation';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM } from '../../platform/infra/tokens';

/** What a key package is bound to, besides the worker it is wrapped for. */
export interface KeyPackageBinding {
  requestId: string;
  workerId: string;
  vscId: string;
  vscVersion: number;
  purpose: KeyPackagePurpose;
  cardSerial: string;
  now: Date;
}

/** Makes the key packages workers receive (specs give a fake). */
export interface KeyPackages {
  /** The API's package key (SPKI DER, base64): workers pin it at enrolment. */
  publicKey(): Promise<string>;
  /** Wraps material for the worker's X25519 key, bound to request, card, purpose and expiry, and signs it in the HSM. */
  seal(material: KeyMaterial, workerKexSpki: Uint8Array, b: KeyPackageBinding): Promise<WrappedKeyMaterial>;
}

export const KEY_PACKAGES = Symbol('KeyPackages');

/** The header of a package made now. */
export function packageHeader(b: KeyPackageBinding): KeyTransferHeader {
  return {
    v: 2,
    alg: KEY_TRANSFER_ALG,
    requestId: b.requestId,
    workerId: b.workerId,
    vscId: b.vscId,
    vscVersion: b.vscVersion,
    purpose: b.purpose,
    cardSerial: b.cardSerial,
    expiresAt: new Date(b.now.getTime() + KEY_PACKAGE_TTL_MS).toISOString(),
  };
}

/** Key packages signed by the API's P-256 package key in the HSM (CARD_KEYS.packageSigning). */
@Injectable()
export class HsmKeyPackages implements KeyPackages {
  private cache: { ctx: HsmContext; key: HsmSigningKey } | undefined;

  constructor(@Inject(HSM) private readonly hsm: HsmHandle) {}

  private async key(): Promise<HsmSigningKey> {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, key: await ctx.getSigningKey(CARD_KEYS.packageSigning, 'P-256') };
    return this.cache.key;
  }

  async publicKey(): Promise<string> {
    return (await this.key()).spki.toString('base64');
  }

  async seal(material: KeyMaterial, workerKexSpki: Uint8Array, b: KeyPackageBinding): Promise<WrappedKeyMaterial> {
    const key = await this.key();
    const w = wrapForWorker(material, workerKexSpki, packageHeader(b));
    const signature = await key.sign(packageSigningInput(w));
    return { ...w, signature: signature.toString('base64'), signer: key.label };
  }
}
