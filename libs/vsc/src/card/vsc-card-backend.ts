import { createPublicKey } from 'node:crypto';
import { encodeTlv } from '@scm/apdu';
import {
  BackendError,
  BackendErrorCode,
  InvalidKeyInputError,
  ObjectTag,
  PinPolicy,
  TouchPolicy,
  defaultPinPolicy,
  isKeyAlgorithm,
  softwarePrivateOperation,
  type KeyAlgorithmId as EngineAlgorithmId,
  type KeyPolicy,
  type ManagementKey,
  type MgmAlgorithmId,
  type PinCheck,
  type PinPolicyId,
  type PinReference,
  type PivCardBackend,
  type PivCardIdentity,
  type PrivateOperation,
  type RetryState,
  type SlotKeyInfo,
  type TouchPolicyId,
} from '@scm/card-engine';
import { VscError, VscErrorCode } from '../vsc-errors';
import { concat, uuidBytes } from '../format/bytes';
import type { VirtualSmartCard } from '../control/virtual-smart-card';
import { CHUID_TAG, certificateTagOf, chuidGuid, PIN_PROTECTED_TAGS } from './piv-objects';

/**
 * Historical bytes of a served VSC: compact TLV with the capabilities a YubiKey announces
 * (73 C0 21 C0: chaining, extended length) and tag 5 "SCMVSC" where a YubiKey says "YubiKey",
 * so software can tell a VSC from a real card (the seed's "IBMVSC" serial).
 */
const VSC_HISTORICAL = Buffer.from([0x80, 0x73, 0xc0, 0x21, 0xc0, 0x56, 0x53, 0x43, 0x4d, 0x56, 0x53, 0x43]);

/** The ATR of every served VSC: T=1 (TD1 80, TD2 01), the VSC historical bytes, TCK. */
export const VSC_ATR: Uint8Array = (() => {
  const body = Buffer.concat([Buffer.of(0x80 | VSC_HISTORICAL.length, 0x80, 0x01), VSC_HISTORICAL]);
  let tck = 0;
  for (const b of body) tck ^= b;
  return new Uint8Array(Buffer.concat([Buffer.of(0x3b), body, Buffer.of(tck)]));
})();

/** GET SERIAL of a served VSC: the fixed marker "VSC\0" (0x56534300); the CHUID GUID tells VSCs apart. */
export const VSC_SERIAL = 0x56534300;
/** GET VERSION: at least 5 so yubico-piv-tool asks for the serial. */
export const VSC_FIRMWARE = [5, 4, 3] as const;

/** Persists the VSC after a change made through the card (a new PIN): the standalone file's `save`. */
export type VscPersist = () => Promise<void>;

const refused = (message: string): BackendError => new BackendError(BackendErrorCode.Refused, message);

/**
 * The card engine's backend over a VSC: the software PIV card answers APDUs with the VSC's
 * objects and keys. VERIFY goes through the cardholder path (opening the private and secret-key
 * areas; the retry counter lives in the VSC state); the private areas are wiped again when the
 * card session ends (`endSession`, on power-off and reset). A served VSC is read-only for card
 * management: the management key, PUT DATA, GENERATE and IMPORT are refused (change a VSC with
 * `scm vsc …`); PIN change and unblock with the PUK work and are saved at once.
 */
export class VscCardBackend implements PivCardBackend {
  readonly identity: PivCardIdentity = { atr: VSC_ATR, version: VSC_FIRMWARE, serial: VSC_SERIAL };

  constructor(
    private readonly vsc: VirtualSmartCard,
    private readonly persist: VscPersist,
  ) {}

  /** The card left the reader or was reset: close the VSC (wipes the content key and the decrypted areas). */
  endSession(): void {
    this.vsc.close();
  }

  async retryState(ref: PinReference): Promise<RetryState> {
    const s = this.vsc.state;
    if (ref === 0x80) return { total: s.pin.total, remaining: this.vsc.hasCardholderPath ? s.pin.remaining : 0, isDefault: false };
    return { total: s.puk.total, remaining: this.vsc.hasPukPath ? s.puk.remaining : 0, isDefault: false };
  }

  async verifyReference(ref: PinReference, value: Uint8Array): Promise<PinCheck> {
    if (ref !== 0x80) throw refused('a served VSC checks its PUK only in RESET RETRY COUNTER');
    return this.guard(() => this.vsc.checkPin(value));
  }

  async changeReference(ref: PinReference, current: Uint8Array, next: Uint8Array): Promise<PinCheck> {
    if (ref !== 0x80) throw refused('the PUK of a served VSC is changed with scm vsc');
    const r = await this.guard(() => this.vsc.checkPin(current));
    if (!r.ok) return r;
    await this.guard(() => this.vsc.setPin(next));
    await this.persist();
    return { ok: true };
  }

  async unblockPin(puk: Uint8Array, newPin: Uint8Array): Promise<PinCheck> {
    try {
      await this.guard(() => this.vsc.unblockWithPuk(puk, newPin));
    } catch (e) {
      if (e instanceof VscError && (e.code === VscErrorCode.WrongPin || e.code === VscErrorCode.PinBlocked)) {
        return { ok: false, remaining: (e.meta.remaining as number | undefined) ?? 0 };
      }
      throw e;
    }
    await this.persist();
    return { ok: true };
  }

  async setRetries(): Promise<void> {
    throw refused('the retry counters of a served VSC are set with scm vsc');
  }

  async managementKey(): Promise<ManagementKey> {
    throw refused('a served VSC has no management key: change it with scm vsc');
  }

  async setManagementKey(_algorithm: MgmAlgorithmId): Promise<void> {
    throw refused('a served VSC has no management key');
  }

  async getObject(tag: number): Promise<Uint8Array | undefined> {
    if (tag === CHUID_TAG) return this.chuid();
    if (tag === ObjectTag.KEY_HISTORY) return this.keyHistory();
    const slot = slotOfCertificateTag(tag);
    if (slot !== undefined) {
      const der = this.vsc.certificate(slot);
      return der ? concat(encodeTlv(0x70, der), encodeTlv(0x71, Uint8Array.of(0)), encodeTlv(0xfe)) : undefined;
    }
    // Data objects copied from a card keep their tag. Private ones are served only under the tags
    // the applet protects with the PIN, and only while the VSC is open.
    const obj = this.vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === tag);
    if (!obj || obj.kind !== 'data') return undefined;
    if (obj.area === 'private' && !PIN_PROTECTED_TAGS.has(tag)) return undefined;
    return obj.value;
  }

  async putObject(): Promise<void> {
    throw refused('a served VSC is changed with scm vsc');
  }

  async getKey(slot: number): Promise<SlotKeyInfo | undefined> {
    const k = this.vsc.publicKey(slot);
    if (!k || !isKeyAlgorithm(k.algorithm)) return undefined;
    const policy: KeyPolicy = {
      pin: (k.pinPolicy === PinPolicy.DEFAULT ? defaultPinPolicy(slot) : k.pinPolicy) as PinPolicyId,
      touch: (k.touchPolicy === TouchPolicy.DEFAULT ? TouchPolicy.NEVER : k.touchPolicy) as TouchPolicyId,
    };
    return {
      algorithm: k.algorithm as EngineAlgorithmId,
      policy,
      origin: k.origin === 'generated' ? 'generated' : 'imported',
      publicKey: createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' }),
    };
  }

  async generateKey(): Promise<SlotKeyInfo> {
    throw refused('keys of a VSC are generated with scm vsc keygen');
  }

  async importKey(): Promise<SlotKeyInfo> {
    throw refused('a served VSC does not import keys');
  }

  async privateOperation(slot: number, op: PrivateOperation): Promise<Uint8Array> {
    if (this.vsc.access === 'none') throw refused('the VSC is closed: VERIFY the PIN first');
    return this.guard(() =>
      this.vsc.withPrivateKey(slot, (key) => {
        try {
          return softwarePrivateOperation(key, op);
        } catch (e) {
          if (e instanceof InvalidKeyInputError) throw new BackendError(BackendErrorCode.InvalidInput, e.message);
          throw e;
        }
      }),
    );
  }

  async reset(): Promise<void> {
    throw refused('a VSC is not reset through the card');
  }

  /** Maps VSC refusals to the backend's coded errors (the applet answers 6A88 or 6985). */
  private async guard<T>(fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof VscError)) throw e;
      switch (e.code) {
        case VscErrorCode.SlotEmpty:
          throw new BackendError(BackendErrorCode.NoKey, e.message, { cause: e });
        case VscErrorCode.BadPin:
          throw new BackendError(BackendErrorCode.InvalidInput, e.message, { cause: e });
        case VscErrorCode.Disabled:
        case VscErrorCode.Expired:
        case VscErrorCode.NotOpen:
        case VscErrorCode.NoCardholderPath:
          throw new BackendError(BackendErrorCode.Refused, e.message, { cause: e });
        default:
          throw e;
      }
    }
  }

  /**
   * The VSC's own CHUID: a stored one whose GUID is this VSC's id (a signed CHUID written at
   * issuance), else one built from the id: FASC-N of agency 9999 (so OpenSC takes the GUID as the
   * serial), GUID = VSC id, expiry from the state, no signature.
   */
  private chuid(): Uint8Array {
    const stored = this.vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === CHUID_TAG);
    if (stored?.kind === 'data' && chuidGuid(stored.value)?.equals(uuidBytes(this.vsc.id))) return stored.value;
    const exp = this.vsc.state.expiresAt;
    const expiry = exp ? new Date(exp * 1000).toISOString().slice(0, 10).replace(/-/g, '') : '20991231';
    return concat(
      encodeTlv(0x30, FASCN_9999),
      encodeTlv(0x34, uuidBytes(this.vsc.id)),
      encodeTlv(0x35, Buffer.from(expiry, 'ascii')),
      encodeTlv(0x3e),
      encodeTlv(0xfe),
    );
  }

  /** Key History: how many retired slots hold keys here, so OpenSC reads their certificates. */
  private keyHistory(): Uint8Array | undefined {
    const stored = this.vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === ObjectTag.KEY_HISTORY);
    const retired = this.vsc
      .listObjects()
      .filter((o) => o.kind === 'certificate' && o.slot !== undefined && o.slot >= 0x82 && o.slot <= 0x95);
    if (retired.length === 0) return stored?.kind === 'data' ? stored.value : undefined;
    return concat(encodeTlv(0xc1, Uint8Array.of(retired.length)), encodeTlv(0xc2, Uint8Array.of(0)), encodeTlv(0xfe));
  }
}

/** FASC-N with agency code 9999 (the non-federal issuer form), as yubico-piv-tool's CHUID template carries it. */
const FASCN_9999 = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');

function slotOfCertificateTag(tag: number): number | undefined {
  for (let slot = 0x80; slot <= 0x9e; slot++) if (certificateTagOf(slot) === tag) return slot;
  return undefined;
}
