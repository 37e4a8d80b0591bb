import { createPublicKey, randomBytes, timingSafeEqual, verify as nodeVerify, type KeyObject, type webcrypto } from 'node:crypto';
import { KeyType, MechanismEnum, ObjectClass, type Key, type SecretKey, type Session } from 'graphene-pk11';
import { HsmError, HsmErrorCode } from './hsm-errors';
import { keyLabel, type KeyRef } from './key-ref';
import type { SessionLane } from './session-lane';

/** Asymmetric key pairs SCM keeps in the HSM (CA, CHUID signer, audit checkpoints, archive). */
export type SigningKeyAlgorithm = 'P-256' | 'P-384' | 'RSA-2048' | 'RSA-3072';
/** Secret keys SCM keeps in the HSM: AES-256 (AES-GCM, AES key wrap) and HMAC-SHA-256. */
export type SecretKeyAlgorithm = 'AES-256' | 'HMAC-SHA-256';

export interface SignOptions {
  /** ECDSA signature form: DER SEQUENCE{r,s} (default, as node:crypto) or raw r‖s. */
  dsaEncoding?: 'der' | 'ieee-p1363';
}

/** Picks a free session lane; the keys run every HSM operation through it. */
export type LanePicker = () => SessionLane;

/** A non-extractable key pair in the HSM, named by label/version. */
export class HsmSigningKey {
  constructor(
    private readonly lanes: LanePicker,
    readonly ref: KeyRef,
    readonly algorithm: SigningKeyAlgorithm,
    /** WebCrypto handle of the private key, for the HSM provider (HsmContext.crypto). */
    readonly privateKey: webcrypto.CryptoKey,
    /** WebCrypto handle of the public key in the HSM. */
    readonly publicKey: webcrypto.CryptoKey,
    /** SubjectPublicKeyInfo, DER. */
    readonly spki: Buffer,
  ) {}

  /** CKA_LABEL, `label/version`. */
  get label(): string {
    return keyLabel(this.ref);
  }

  get isEc(): boolean {
    return this.algorithm === 'P-256' || this.algorithm === 'P-384';
  }

  /** The hash this key signs with: SHA-384 for P-384, SHA-256 otherwise. */
  get hash(): 'SHA-256' | 'SHA-384' {
    return this.algorithm === 'P-384' ? 'SHA-384' : 'SHA-256';
  }

  /** WebCrypto signing algorithm for @peculiar/x509 (`signingAlgorithm`). */
  get signingAlgorithm(): webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams {
    return this.isEc ? { name: 'ECDSA', hash: this.hash } : { name: 'RSASSA-PKCS1-v1_5', hash: this.hash };
  }

  /** The public key as a node:crypto KeyObject. */
  publicKeyObject(): KeyObject {
    return createPublicKey({ key: this.spki, format: 'der', type: 'spki' });
  }

  /** Signs data inside the HSM (ECDSA with this key's hash, or RSASSA-PKCS1-v1_5). */
  async sign(data: Uint8Array, opts: SignOptions = {}): Promise<Buffer> {
    const alg = this.isEc ? { name: 'ECDSA', hash: this.hash } : { name: 'RSASSA-PKCS1-v1_5' };
    const raw = Buffer.from(
      await runOp(this.lanes, this.label, 'sign', (_s, p11) => p11.subtle.sign(alg, this.privateKey as never, Buffer.from(data))),
    );
    return this.isEc && (opts.dsaEncoding ?? 'der') === 'der' ? p1363ToDer(raw) : raw;
  }

  /**
   * Signs a digest taken outside the HSM (EC keys: CKM_ECDSA over it): the same signature `sign`
   * makes of the data the digest is of, for data too large to hand over at once (an archive
   * manifest, hashed as it is written). The digest must be of this key's hash.
   */
  async signDigest(digest: Uint8Array, opts: SignOptions = {}): Promise<Buffer> {
    if (!this.isEc)
      throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${this.label} signs digests only as an EC key`, { key: this.label });
    const want = this.hash === 'SHA-384' ? 48 : 32;
    if (digest.length !== want)
      throw new HsmError(HsmErrorCode.OperationFailed, `a ${this.hash} digest is ${want} bytes, not ${digest.length}`, { key: this.label });
    const key = (this.privateKey as unknown as { key: Key }).key;
    const raw = await runOp(
      this.lanes,
      this.label,
      'sign',
      (s) =>
        new Promise<Buffer>((resolve, reject) =>
          s.createSign('ECDSA', key).once(Buffer.from(digest), (err, sig) => (err ? reject(err) : resolve(Buffer.from(sig)))),
        ),
    );
    return (opts.dsaEncoding ?? 'der') === 'der' ? p1363ToDer(raw) : raw;
  }

  /** Verifies a signature of this key with node:crypto (the public key needs no HSM). */
  verify(data: Uint8Array, signature: Uint8Array, opts: SignOptions = {}): boolean {
    const hash = this.hash === 'SHA-384' ? 'sha384' : 'sha256';
    const key = this.isEc ? { key: this.publicKeyObject(), dsaEncoding: opts.dsaEncoding ?? 'der' } : this.publicKeyObject();
    try {
      return nodeVerify(hash, data, key, signature);
    } catch {
      return false;
    }
  }
}

/** A non-extractable secret key in the HSM, named by label/version. */
export class HsmSecretKey {
  constructor(
    private readonly lanes: LanePicker,
    readonly ref: KeyRef,
    readonly algorithm: SecretKeyAlgorithm,
    /** WebCrypto handle (AES-GCM or HMAC) for the HSM provider. */
    readonly cryptoKey: webcrypto.CryptoKey,
    private readonly object: Key,
  ) {}

  get label(): string {
    return keyLabel(this.ref);
  }

  /** AES-256-GCM inside the HSM: returns iv(12) ‖ ciphertext ‖ tag(16). */
  async encrypt(plaintext: Uint8Array, aad?: Uint8Array): Promise<Buffer> {
    this.expect('AES-256', 'encrypt');
    const iv = randomBytes(12);
    const params = { name: 'AES-GCM', iv, tagLength: 128, ...(aad ? { additionalData: Buffer.from(aad) } : {}) };
    const ct = await runOp(this.lanes, this.label, 'encrypt', (_s, p11) =>
      p11.subtle.encrypt(params, this.cryptoKey as never, Buffer.from(plaintext)),
    );
    return Buffer.concat([iv, Buffer.from(ct)]);
  }

  /** Reverses {@link encrypt}; a wrong key, AAD or a changed byte fails with OperationFailed. */
  async decrypt(blob: Uint8Array, aad?: Uint8Array): Promise<Buffer> {
    this.expect('AES-256', 'decrypt');
    if (blob.length < 12 + 16) throw new HsmError(HsmErrorCode.OperationFailed, 'AES-GCM input is too short', { key: this.label });
    const b = Buffer.from(blob);
    const params = { name: 'AES-GCM', iv: b.subarray(0, 12), tagLength: 128, ...(aad ? { additionalData: Buffer.from(aad) } : {}) };
    return Buffer.from(
      await runOp(this.lanes, this.label, 'decrypt', (_s, p11) => p11.subtle.decrypt(params, this.cryptoKey as never, b.subarray(12))),
    );
  }

  /**
   * Wraps arbitrary key material inside the HSM: ISO/IEC 7816-4 padding (0x80, then zeros to a
   * multiple of 8, at least 16 bytes), then AES key wrap (RFC 3394, CKM_AES_KEY_WRAP). Not RFC 5649:
   * SoftHSM2 2.6 unwraps CKM_AES_KEY_WRAP_PAD without removing the padding, so lengths were lost.
   */
  async wrap(material: Uint8Array): Promise<Buffer> {
    this.expect('AES-256', 'wrap');
    if (material.length === 0) throw new HsmError(HsmErrorCode.OperationFailed, 'nothing to wrap', { key: this.label });
    const padded = pad7816(Buffer.from(material));
    return runOp(this.lanes, this.label, 'wrap', (session) => {
      const tmp = session.create({
        class: ObjectClass.SECRET_KEY,
        keyType: KeyType.GENERIC_SECRET,
        token: false,
        private: true,
        sensitive: false,
        extractable: true,
        value: padded,
      });
      try {
        return session.wrapKey(MechanismEnum.AES_KEY_WRAP, this.object, tmp.toType<SecretKey>());
      } finally {
        tmp.destroy();
      }
    });
  }

  /** Reverses {@link wrap}; tampered input fails with OperationFailed. */
  async unwrap(wrapped: Uint8Array): Promise<Buffer> {
    this.expect('AES-256', 'unwrap');
    const padded = await runOp(this.lanes, this.label, 'unwrap', (session) => {
      const k = session.unwrapKey(MechanismEnum.AES_KEY_WRAP, this.object, Buffer.from(wrapped), {
        class: ObjectClass.SECRET_KEY,
        keyType: KeyType.GENERIC_SECRET,
        token: false,
        private: true,
        sensitive: false,
        extractable: true,
      });
      try {
        return Buffer.from(k.getAttribute({ value: null }).value as Buffer);
      } finally {
        k.destroy();
      }
    });
    const material = unpad7816(padded);
    if (!material)
      throw new HsmError(HsmErrorCode.OperationFailed, `unwrapped data under ${this.label} has no valid padding`, { key: this.label });
    return material;
  }

  /** HMAC-SHA-256 inside the HSM. */
  async hmac(data: Uint8Array): Promise<Buffer> {
    this.expect('HMAC-SHA-256', 'hmac');
    return Buffer.from(
      await runOp(this.lanes, this.label, 'hmac', (_s, p11) =>
        p11.subtle.sign({ name: 'HMAC' }, this.cryptoKey as never, Buffer.from(data)),
      ),
    );
  }

  /** Constant-time check of an HMAC computed by {@link hmac}. */
  async verifyHmac(data: Uint8Array, mac: Uint8Array): Promise<boolean> {
    return (await this.checkHmac(data, mac)).ok;
  }

  /** Like {@link verifyHmac}, and says which session of the context computed the HMAC (for integrity alarms). */
  async checkHmac(data: Uint8Array, mac: Uint8Array): Promise<{ ok: boolean; session: number }> {
    this.expect('HMAC-SHA-256', 'hmac');
    const lane = this.lanes();
    const expected = Buffer.from(
      await runOp(
        () => lane,
        this.label,
        'hmac',
        (_s, p11) => p11.subtle.sign({ name: 'HMAC' }, this.cryptoKey as never, Buffer.from(data)),
      ),
    );
    return { ok: expected.length === mac.length && timingSafeEqual(expected, Buffer.from(mac)), session: lane.index };
  }

  private expect(alg: SecretKeyAlgorithm, op: string): void {
    if (this.algorithm !== alg) {
      throw new HsmError(HsmErrorCode.KeyMismatch, `key ${this.label} is ${this.algorithm}; ${op} needs ${alg}`, { key: this.label });
    }
  }
}

/** Runs one HSM operation on a lane, turning PKCS#11 failures into HsmError. */
export async function runOp<T>(
  lanes: LanePicker,
  label: string,
  op: string,
  fn: Parameters<SessionLane['run']>[0] extends (s: Session, p: infer P) => unknown ? (s: Session, p11: P) => Promise<T> | T : never,
): Promise<T> {
  try {
    return await lanes().run(fn);
  } catch (e) {
    if (e instanceof HsmError) throw e;
    throw new HsmError(
      HsmErrorCode.OperationFailed,
      `HSM ${op} with ${label} failed: ${(e as Error).message.split('\n')[0]}`,
      { key: label, op },
      { cause: e },
    );
  }
}

function pad7816(b: Buffer): Buffer {
  const len = Math.max(16, Math.ceil((b.length + 1) / 8) * 8);
  const out = Buffer.alloc(len);
  b.copy(out);
  out[b.length] = 0x80;
  return out;
}

function unpad7816(b: Buffer): Buffer | undefined {
  let i = b.length - 1;
  while (i >= 0 && b[i] === 0) i--;
  return i >= 0 && b[i] === 0x80 ? b.subarray(0, i) : undefined;
}

/** Raw r‖s (WebCrypto ECDSA) to DER SEQUENCE{INTEGER r, INTEGER s}. */
export function p1363ToDer(sig: Buffer): Buffer {
  const n = sig.length / 2;
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(sig.subarray(0, n)), int(sig.subarray(n))]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}
