import { Inject, Injectable } from '@nestjs/common';
import type { HsmContext } from '@scm/hsm';
import {
  CARD_KEYS,
  type Cryptograms,
  type ManagementKeyAlgorithmName,
  type TransportKeySource,
  TransportKeyVault,
} from '@scm/card-secrets';
import type { HsmHandle } from '../platform/infra/infra.module';
import { HSM } from '../platform/infra/tokens';

/** The HSM side of card stock, as handlers use it (specs give a fake). */
export interface TransportKeys {
  /** Label/version of the HSM key transport keys are wrapped under. */
  readonly wrappingKey: string;
  wrap(key: Uint8Array, algorithm: ManagementKeyAlgorithmName): Promise<Buffer>;
  respond(source: TransportKeySource, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms>;
}

export const TRANSPORT_KEYS = Symbol('TransportKeys');

/** Transport keys wrapped under the HSM's stock key; cryptograms computed inside the HSM. */
@Injectable()
export class HsmTransportKeys implements TransportKeys {
  private cache: { ctx: HsmContext; vault: TransportKeyVault } | undefined;

  constructor(@Inject(HSM) private readonly hsm: HsmHandle) {}

  private vault(): TransportKeyVault {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, vault: new TransportKeyVault(ctx) };
    return this.cache.vault;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code === 'hsm.unavailable') this.hsm.reset();
      throw e;
    }
  }

  get wrappingKey(): string {
    return `${CARD_KEYS.stock.label}/${CARD_KEYS.stock.version}`;
  }

  wrap(key: Uint8Array, algorithm: ManagementKeyAlgorithmName): Promise<Buffer> {
    return this.guard(() => this.vault().wrap(key, algorithm));
  }

  respond(source: TransportKeySource, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    return this.guard(() => this.vault().respond(source, algorithm, encryptedWitness));
  }
}
