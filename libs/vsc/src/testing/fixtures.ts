import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { KdfParams } from '../format/vsc-model';
import { MemoryKeyProtector } from '../crypto/memory-key-protector';
import { DEFAULT_VSC_KEYS } from '../crypto/vsc-key-protector.port';
import { seededRandom } from '../crypto/random';
import type { VscDeps } from '../control/virtual-smart-card';

/**
 * Fixed inputs of the unit tests and of the test vectors in docs/vsc-format.md. Nothing here is
 * used outside tests: the keys are public, the KDF is deliberately weak.
 */
export const VECTOR_KEK = Buffer.alloc(32, 0x4b); // "KKKK…"
export const VECTOR_RECOVERY_KEY = Buffer.alloc(32, 0x52); // "RRRR…"
/** The lightest KDF the format accepts (8 MiB, 1 pass): keeps unit tests fast. */
export const TEST_KDF: KdfParams = { algorithm: 'argon2id', memoryKiB: 8192, iterations: 1, parallelism: 1 };

/** A fixed P-256 key (SEC1 DER) so a test vector's secret-key area is reproducible. */
const VECTOR_P256_SEC1 =
  '307702010104200ecd698ba95287a27a3de82b1f4f6119077221598dacc2694eb977cd55de020fa00a06082a8648ce3d030107a14403420004ce5fe1b9aca53e9e1fbdf6055efb73d229d4000067a2d7691fba71dcea03e40561ce1b2b15273517ae60f36b34ced7b3145a2232e7ae4d00fc9ed2171c7cb64b';

export function vectorP256Key(): KeyObject {
  return createPrivateKey({ key: Buffer.from(VECTOR_P256_SEC1, 'hex'), format: 'der', type: 'sec1' });
}

/** The memory protector with the vector keys; recovery-wrap nonces from `seed` when given. */
export function vectorProtector(seed?: string): MemoryKeyProtector {
  return new MemoryKeyProtector(VECTOR_KEK, VECTOR_RECOVERY_KEY, DEFAULT_VSC_KEYS, seed ? seededRandom(`${seed}/hsm`) : undefined);
}

/** Deps with the memory protector, the given random seed and real Argon2id. */
export function testDeps(seed?: string, extra: Partial<VscDeps> = {}): VscDeps {
  return { protector: vectorProtector(seed), ...(seed ? { random: seededRandom(seed) } : {}), ...extra };
}
