import fc from 'fast-check';
import {
  decodeObjects,
  decodePassword,
  decodePrivateKeys,
  encodeObjects,
  encodePassword,
  encodePrivateKeys,
  KeyAlgorithm,
  parseVscFile,
  Tag,
  tlv,
  tlvOf,
  VirtualSmartCard,
  VscError,
} from '@scm/vsc';
import { testDeps, vectorP256Key } from '../../libs/vsc/src/testing/fixtures';
import { buildVector1 } from '../../libs/vsc/src/testing/test-vector';
import { bytesFrom } from '../harness/mutate';
import { defineTarget } from '../harness/target';

/** Which reader an input goes to: its first byte. */
const READERS = ['file', 'public-objects', 'private-objects', 'private-keys', 'password-v1', 'password-v2', 'check'] as const;

interface VscState {
  seeds: Uint8Array[];
}

const tagged = (i: number, b: Uint8Array): Uint8Array => Uint8Array.of(i, ...b);

/**
 * The VSC file and the plaintext of its areas: the structural check (parseVscFile), the area
 * decoders (objects, private keys, password record) and the whole consistency check with the
 * memory key protector (VirtualSmartCard.check).
 */
export const vscFile = defineTarget<VscState>({
  name: 'vsc-file',
  quickRuns: 200,
  about: 'VSC file format of libs/vsc: parseVscFile, area decoders, VirtualSmartCard.check (test vector 1 as seed)',
  budgetMs: 3000,
  setup: async () => {
    const { file, content } = await buildVector1();
    const vsc = await VirtualSmartCard.load(content, testDeps());
    await vsc.openWithRecovery();
    const all = vsc.listObjects();
    const pub = all.filter((o) => o.kind !== 'data' || o.area === 'public');
    const priv = all.filter((o) => o.kind === 'data' && o.area === 'private');
    const pkcs8 = vectorP256Key().export({ format: 'der', type: 'pkcs8' });
    const keys = encodePrivateKeys([{ slot: 0x9c, algorithm: KeyAlgorithm.P256, pkcs8 }]);
    const password = encodePassword({ puk: Buffer.from('12345678'), managementKey: { algorithm: 0x0a, key: Buffer.alloc(24, 3) } });
    const v1 = tlvOf(Tag.PASSWORD_RECORD, tlv(0x80, Buffer.alloc(64, 1)), tlv(0x81, Buffer.from('12345678')));
    return {
      seeds: [
        tagged(0, file),
        tagged(0, content),
        tagged(1, encodeObjects(pub)),
        tagged(2, encodeObjects(priv)),
        tagged(3, keys),
        tagged(4, v1),
        tagged(5, password),
        tagged(6, file),
      ],
    };
  },
  inputs: (s) =>
    fc.oneof(
      // Mutations after the selector byte, so each reader gets its own kind of input.
      { weight: 8, arbitrary: fc.constantFrom(...s.seeds).chain((seed) => bytesFrom([seed.subarray(1)]).map((b) => tagged(seed[0], b))) },
      { weight: 1, arbitrary: bytesFrom(s.seeds) },
    ),
  run: async (_s, b) => {
    if (b.length === 0) return;
    const body = Buffer.from(b.subarray(1));
    switch (READERS[b[0] % READERS.length]) {
      case 'file':
        parseVscFile(body);
        return;
      case 'public-objects':
        decodeObjects(body, 0, 'public');
        return;
      case 'private-objects':
        decodeObjects(body, 0, 'private');
        return;
      case 'private-keys':
        decodePrivateKeys(body, 0);
        return;
      case 'password-v1':
        decodePassword(body, 0, 1);
        return;
      case 'password-v2':
        decodePassword(body, 0, 2);
        return;
      case 'check':
        await VirtualSmartCard.check(body, testDeps());
        return;
    }
  },
  expected: (e) => e instanceof VscError,
});
