import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { KeyRef } from '../format/vsc-model';
import { unknownKeyError } from '../vsc-errors';
import { systemRandom, type RandomSource } from './random';
import { compareMac, DEFAULT_VSC_KEYS, kekMessage, type MacCheck, type VscKeyProtector } from './vsc-key-protector.port';

/**
 * A key protector with its keys in memory: for unit tests and the test vectors of
 * docs/vsc-format.md. Same messages and algorithms as the HSM one; never used in production.
 */
export class MemoryKeyProtector implements VscKeyProtector {
  constructor(
    private readonly kekKey: Uint8Array,
    private readonly recoveryKey: Uint8Array,
    readonly keys: { kek: KeyRef; recovery: KeyRef } = DEFAULT_VSC_KEYS,
    /** Where recovery-wrap nonces come from (seeded for test vectors). */
    private readonly random: RandomSource = systemRandom,
  ) {
    if (kekKey.length !== 32 || recoveryKey.length !== 32) throw new RangeError('memory protector keys are 32 bytes');
  }

  async currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }> {
    return this.keys;
  }

  private checkKek(ref: KeyRef): void {
    if (ref.label !== this.keys.kek.label || ref.version !== this.keys.kek.version) throw unknownKeyError('KEK', ref);
  }

  private checkRecovery(ref: KeyRef): void {
    if (ref.label !== this.keys.recovery.label || ref.version !== this.keys.recovery.version) throw unknownKeyError('recovery key', ref);
  }

  async deriveCardholderKey(kek: KeyRef, kdfOutput: Uint8Array, context: Uint8Array): Promise<Buffer> {
    this.checkKek(kek);
    return createHmac('sha256', this.kekKey)
      .update(kekMessage('cardholder', context, kdfOutput))
      .digest();
  }

  async mac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array): Promise<Buffer> {
    this.checkKek(kek);
    return createHmac('sha256', this.kekKey).update(kekMessage(purpose, data)).digest();
  }

  async checkMac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array, mac: Uint8Array): Promise<MacCheck> {
    return compareMac(await this.mac(kek, purpose, data), mac, { protector: 'memory' });
  }

  async wrapForRecovery(recovery: KeyRef, cek: Uint8Array, aad: Uint8Array): Promise<{ nonce: Buffer; wrapped: Buffer }> {
    this.checkRecovery(recovery);
    const nonce = this.random.bytes(12);
    const c = createCipheriv('aes-256-gcm', this.recoveryKey, nonce);
    c.setAAD(aad);
    return { nonce, wrapped: Buffer.concat([c.update(cek), c.final(), c.getAuthTag()]) };
  }

  async unwrapForRecovery(recovery: KeyRef, wrapped: Uint8Array, nonce: Uint8Array, aad: Uint8Array): Promise<Buffer | undefined> {
    this.checkRecovery(recovery);
    try {
      const d = createDecipheriv('aes-256-gcm', this.recoveryKey, nonce);
      d.setAAD(aad);
      d.setAuthTag(wrapped.subarray(wrapped.length - 16));
      return Buffer.concat([d.update(wrapped.subarray(0, wrapped.length - 16)), d.final()]);
    } catch {
      return undefined;
    }
  }
}
