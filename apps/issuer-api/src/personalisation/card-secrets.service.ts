import { Inject, Injectable } from '@nestjs/common';
import type { HsmContext } from '@scm/hsm';
import {
  type CardIdentity,
  type Cryptograms,
  type ManagementKeyAlgorithmName,
  ManagementKeyDiversifier,
  PukVault,
} from '@scm/card-secrets';
import type { HsmHandle } from '../platform/infra/infra.module';
import { HSM } from '../platform/infra/tokens';

/**
 * The HSM side of personalisation in the API: diversified management keys (cryptograms computed in
 * the HSM) and PUKs sealed under the HSM. A failed HSM operation resets the context so the next
 * call opens a fresh one.
 */
@Injectable()
export class CardSecretsService {
  private cache: { ctx: HsmContext; keys: ManagementKeyDiversifier; puks: PukVault } | undefined;

  constructor(@Inject(HSM) private readonly hsm: HsmHandle) {}

  private get(): { keys: ManagementKeyDiversifier; puks: PukVault } {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, keys: new ManagementKeyDiversifier(ctx), puks: new PukVault(ctx) };
    return this.cache;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'hsm.unavailable') this.hsm.reset();
      throw e;
    }
  }

  get pukKeyLabel(): string {
    const r = this.get().puks.ref;
    return `${r.label}/${r.version}`;
  }

  cryptograms(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    return this.guard(() => this.get().keys.respond(identity, algorithm, encryptedWitness));
  }

  /** The diversified key for SET MANAGEMENT KEY; the caller wraps it for the worker and wipes it. */
  managementKeyForCard(identity: CardIdentity, algorithm: ManagementKeyAlgorithmName): Promise<Buffer> {
    return this.guard(() => this.get().keys.exportForCard(identity, algorithm));
  }

  sealPuk(puk: Uint8Array, cardId: string): Promise<Buffer> {
    return this.guard(() => this.get().puks.seal(puk, cardId));
  }

  openPuk(sealed: Uint8Array, cardId: string): Promise<Buffer> {
    return this.guard(() => this.get().puks.open(sealed, cardId));
  }
}
