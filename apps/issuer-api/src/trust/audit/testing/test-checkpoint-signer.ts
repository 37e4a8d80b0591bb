import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { CheckpointSigner } from '@scm/audit';

/** A P-256 checkpoint signer in memory, standing in for the HSM key in specs. */
export class TestCheckpointSigner implements CheckpointSigner {
  readonly keyLabel = 'spec-checkpoint/1';
  readonly algorithm = 'ECDSA-SHA256' as const;
  private readonly key: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  async publicKey(): Promise<Uint8Array> {
    return new Uint8Array(this.key.publicKey.export({ format: 'der', type: 'spki' }));
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign('sha256', data, { key: this.key.privateKey, dsaEncoding: 'ieee-p1363' }));
  }
}
