import type { HsmContext, HsmSecretKey } from '@scm/hsm';
import type { KeyRef } from '../format/vsc-model';
import { unknownKeyError } from '../vsc-errors';
import { DEFAULT_VSC_KEYS, kekMessage, type MacCheck, type VscKeyProtector } from './vsc-key-protector.port';

const NONCE = 12;

/** HsmError codes, matched by value so this module loads without the PKCS#11 bindings. */
const KEY_NOT_FOUND = 'hsm.key-not-found';
const OPERATION_FAILED = 'hsm.operation-failed';

const codeOf = (e: unknown): string | undefined => (e as { code?: unknown })?.code as string | undefined;

/**
 * The VSC key protector over the HSM (PKCS#11, through `HsmContext`): the KEK is a
 * non-extractable HMAC-SHA-256 key and the recovery key a non-extractable AES-256 key, both
 * used inside the HSM. Keys are found by label/version and never created here (see `provision`).
 */
export class HsmKeyProtector implements VscKeyProtector {
  private readonly cache = new Map<string, Promise<HsmSecretKey>>();

  constructor(
    private readonly hsm: HsmContext,
    /** The keys new VSCs are sealed with. */
    private readonly current: { kek: KeyRef; recovery: KeyRef } = DEFAULT_VSC_KEYS,
  ) {}

  /**
   * Creates the KEK and the recovery key if the token lacks them (setup and `scm vsc init-keys`
   * only); never replaces a key. Returns what was created.
   */
  static async provision(
    hsm: HsmContext,
    keys: { kek: KeyRef; recovery: KeyRef } = DEFAULT_VSC_KEYS,
  ): Promise<Array<{ ref: KeyRef; created: boolean }>> {
    const existing = new Set((await hsm.listKeys()).map((k) => `${k.ref.label}/${k.ref.version}`));
    const out: Array<{ ref: KeyRef; created: boolean }> = [];
    for (const [ref, alg] of [
      [keys.kek, 'HMAC-SHA-256'],
      [keys.recovery, 'AES-256'],
    ] as const) {
      const present = existing.has(`${ref.label}/${ref.version}`);
      if (present) await hsm.getSecretKey(ref, alg);
      else await hsm.createSecretKey(ref, alg);
      out.push({ ref, created: !present });
    }
    return out;
  }

  /** The current keys; fails (HsmError key-not-found) when they have not been provisioned. */
  async currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }> {
    await this.hsm.getSecretKey(this.current.kek, 'HMAC-SHA-256');
    await this.hsm.getSecretKey(this.current.recovery, 'AES-256');
    return this.current;
  }

  private key(ref: KeyRef, alg: 'HMAC-SHA-256' | 'AES-256'): Promise<HsmSecretKey> {
    const id = `${alg}:${ref.label}/${ref.version}`;
    let p = this.cache.get(id);
    if (!p) {
      p = this.hsm.getSecretKey(ref, alg).catch((e: unknown) => {
        this.cache.delete(id);
        if (codeOf(e) === KEY_NOT_FOUND) throw unknownKeyError(alg === 'AES-256' ? 'recovery key' : 'KEK', ref);
        throw e;
      });
      this.cache.set(id, p);
    }
    return p;
  }

  async deriveCardholderKey(kek: KeyRef, kdfOutput: Uint8Array, context: Uint8Array): Promise<Buffer> {
    return (await this.key(kek, 'HMAC-SHA-256')).hmac(kekMessage('cardholder', context, kdfOutput));
  }

  async mac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array): Promise<Buffer> {
    return (await this.key(kek, 'HMAC-SHA-256')).hmac(kekMessage(purpose, data));
  }

  async checkMac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array, mac: Uint8Array): Promise<MacCheck> {
    const r = await (await this.key(kek, 'HMAC-SHA-256')).checkHmac(kekMessage(purpose, data), mac);
    return { ok: r.ok, context: { hsmSession: r.session, hsmSessions: this.hsm.sessionCount } };
  }

  async wrapForRecovery(recovery: KeyRef, cek: Uint8Array, aad: Uint8Array): Promise<{ nonce: Buffer; wrapped: Buffer }> {
    const blob = await (await this.key(recovery, 'AES-256')).encrypt(cek, aad);
    return { nonce: blob.subarray(0, NONCE), wrapped: blob.subarray(NONCE) };
  }

  async unwrapForRecovery(recovery: KeyRef, wrapped: Uint8Array, nonce: Uint8Array, aad: Uint8Array): Promise<Buffer | undefined> {
    const key = await this.key(recovery, 'AES-256');
    try {
      return await key.decrypt(Buffer.concat([nonce, wrapped]), aad);
    } catch (e) {
      if (codeOf(e) !== OPERATION_FAILED) throw e;
      // SoftHSM2 reports a failed GCM tag as CKR_GENERAL_ERROR: tell it from a failing HSM by asking the HSM.
      await this.hsm.ping();
      return undefined;
    }
  }
}
