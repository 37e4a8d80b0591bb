import type { HsmContext, KeyRef } from '@scm/hsm';
import { CARD_KEYS } from './card-keys';

/**
 * Card PUKs sealed under an AES-256-GCM key of the HSM, bound to the card they belong to (the
 * context is the AEAD's associated data, so a PUK row copied onto another card does not open).
 */
export class PukVault {
  constructor(
    private readonly hsm: HsmContext,
    readonly ref: KeyRef = CARD_KEYS.puk,
  ) {}

  static context(cardId: string): Buffer {
    return Buffer.from(`scm-card-puk-v1|${cardId}`, 'utf8');
  }

  async seal(puk: Uint8Array, cardId: string): Promise<Buffer> {
    const key = await this.hsm.getSecretKey(this.ref, 'AES-256');
    return key.encrypt(puk, PukVault.context(cardId));
  }

  /** The PUK (the caller wipes it); an HsmError when the blob, the card or the key does not match. */
  async open(sealed: Uint8Array, cardId: string): Promise<Buffer> {
    const key = await this.hsm.getSecretKey(this.ref, 'AES-256');
    return key.decrypt(sealed, PukVault.context(cardId));
  }
}
