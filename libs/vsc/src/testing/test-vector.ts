import { seededRandom } from '../crypto/random';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { TEST_KDF, vectorP256Key, vectorProtector } from './fixtures';

/** The inputs of test vector 1 of docs/vsc-format.md. */
export const VECTOR_1 = {
  seed: 'SCM-VSC test vector 1',
  serial: '00001079',
  pin: '123456',
  publicObject: { name: 'address', value: 'Mike Hamann, 1 Main Street' },
  privateObject: { name: 'account number', value: '0012345678' },
  slot: 0x9c,
  /** 2030-01-01T00:00:00Z: a fixed expiry keeps the state section reproducible. */
  expiresAt: 1893456000,
} as const;

/**
 * Builds test vector 1: a standalone VSC with the memory protector's fixed keys, a seeded random
 * stream, the light test KDF, one public and one private data object and a fixed P-256 key in 9C.
 */
export async function buildVector1(): Promise<{ file: Buffer; content: Buffer; id: string }> {
  const v = VECTOR_1;
  const deps = { protector: vectorProtector(v.seed), random: seededRandom(v.seed) };
  const vsc = await VirtualSmartCard.create(
    { serial: v.serial, pin: v.pin, kdf: TEST_KDF, allowWeakKdf: true, expiresAt: v.expiresAt },
    deps,
  );
  vsc.putData({ name: v.publicObject.name, area: 'public', value: Buffer.from(v.publicObject.value), mediaType: 'text/plain' });
  vsc.putData({ name: v.privateObject.name, area: 'private', value: Buffer.from(v.privateObject.value) });
  vsc.importKey(v.slot, vectorP256Key(), { escrow: 'escrow' });
  const file = await vsc.toStandaloneFile();
  return { file, content: vsc.contentBytes as Buffer, id: vsc.id };
}
