import type { CheckpointSigner } from '@scm/audit';
import type { HsmSigningKey, KeyRef } from '@scm/hsm';
import type { HsmHandle } from '../../platform/infra/infra.module';

/** The HSM key that signs audit checkpoints. Created by setup (`bin/scm hsm init-keys`), never here. */
export const CHECKPOINT_KEY: KeyRef = { label: 'scm-audit-checkpoint', version: 1 };

/** Injection token of the key that signs checkpoints (a CheckpointSigner). */
export const CHECKPOINT_SIGNER = Symbol('CheckpointSigner');

export class HsmCheckpointSigner implements CheckpointSigner {
  readonly keyLabel = `${CHECKPOINT_KEY.label}/${CHECKPOINT_KEY.version}`;
  readonly algorithm = 'ECDSA-SHA256' as const;
  private key: HsmSigningKey | undefined;

  constructor(private readonly hsm: HsmHandle) {}

  private async get(): Promise<HsmSigningKey> {
    this.key ??= await this.hsm.get().getSigningKey(CHECKPOINT_KEY, 'P-256');
    return this.key;
  }

  async publicKey(): Promise<Uint8Array> {
    return new Uint8Array((await this.get()).spki);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    try {
      return new Uint8Array(await (await this.get()).sign(data, { dsaEncoding: 'ieee-p1363' }));
    } catch (e) {
      this.key = undefined;
      throw e;
    }
  }
}
