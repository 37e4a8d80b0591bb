import { webcrypto } from 'node:crypto';
import { CryptoKey as P11CryptoKey } from 'node-webcrypto-p11';
import type { SessionLane } from './session-lane';

type Subtle = webcrypto.SubtleCrypto;
type Key = webcrypto.CryptoKey;

/** True for a key object that lives in the HSM (a node-webcrypto-p11 key). */
export function isHsmKey(key: unknown): boolean {
  return key instanceof P11CryptoKey;
}

/**
 * A WebCrypto provider for @peculiar/x509 and CMS code: operations on HSM keys run in the HSM
 * (queued on a session lane), everything else — digests, imports and uses of public keys
 * that came from outside — runs in node:crypto, so certificate building does not spend HSM
 * round trips on hashing or leave session objects behind.
 */
export class HsmWebCrypto {
  readonly subtle: Subtle;

  constructor(pickLane: () => SessionLane) {
    const node = webcrypto.subtle;
    const viaHsm = <T>(fn: (s: Subtle) => Promise<T>): Promise<T> => pickLane().run((_session, p11) => fn(p11.subtle as unknown as Subtle));
    const route = <T>(keys: unknown[], fn: (s: Subtle) => Promise<T>): Promise<T> => (keys.some(isHsmKey) ? viaHsm(fn) : fn(node));
    const subtle = {
      digest: (alg: webcrypto.AlgorithmIdentifier, data: webcrypto.BufferSource) => node.digest(alg, data),
      importKey: (...a: Parameters<Subtle['importKey']>) => (node.importKey as (...x: unknown[]) => Promise<Key>)(...a),
      generateKey: (...a: Parameters<Subtle['generateKey']>) => (node.generateKey as (...x: unknown[]) => Promise<unknown>)(...a),
      exportKey: (format: webcrypto.KeyFormat, key: Key) =>
        route([key], (s) => (s.exportKey as (...x: unknown[]) => Promise<unknown>)(format, key)),
      sign: (alg: webcrypto.AlgorithmIdentifier, key: Key, data: webcrypto.BufferSource) => route([key], (s) => s.sign(alg, key, data)),
      verify: (alg: webcrypto.AlgorithmIdentifier, key: Key, sig: webcrypto.BufferSource, data: webcrypto.BufferSource) =>
        route([key], (s) => s.verify(alg, key, sig, data)),
      encrypt: (alg: webcrypto.AlgorithmIdentifier, key: Key, data: webcrypto.BufferSource) =>
        route([key], (s) => s.encrypt(alg, key, data)),
      decrypt: (alg: webcrypto.AlgorithmIdentifier, key: Key, data: webcrypto.BufferSource) =>
        route([key], (s) => s.decrypt(alg, key, data)),
      deriveBits: (alg: webcrypto.AlgorithmIdentifier, key: Key, length: number) =>
        route([key], (s) => s.deriveBits(alg as never, key, length)),
      deriveKey: (...a: Parameters<Subtle['deriveKey']>) =>
        route([a[1], (a[0] as { public?: unknown }).public], (s) => (s.deriveKey as (...x: unknown[]) => Promise<Key>)(...a)),
      wrapKey: (...a: Parameters<Subtle['wrapKey']>) =>
        route([a[1], a[2]], (s) => (s.wrapKey as (...x: unknown[]) => Promise<ArrayBuffer>)(...a)),
      unwrapKey: (...a: Parameters<Subtle['unwrapKey']>) => route([a[2]], (s) => (s.unwrapKey as (...x: unknown[]) => Promise<Key>)(...a)),
    };
    this.subtle = subtle as unknown as Subtle;
  }

  /** Randomness from node:crypto (the OS CSPRNG); HSM randomness is available via HsmContext.random. */
  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    return webcrypto.getRandomValues(array as never) as T;
  }

  randomUUID(): string {
    return webcrypto.randomUUID();
  }
}
