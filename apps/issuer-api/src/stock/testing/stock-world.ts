import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Cryptograms, ManagementKeyAlgorithmName, TransportKeySource } from '@scm/card-secrets';
import { MANAGEMENT_KEY_ALGORITHMS, WELL_KNOWN_TRANSPORT_KEY } from '@scm/card-secrets';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { InMemoryStockRepository } from '../in-memory-stock.repository';
import { StockCardsService } from '../stock-cards.service';
import type { StockBatch } from '../stock.repository';
import type { TransportKeys } from '../transport-keys.service';

const cipher = (alg: ManagementKeyAlgorithmName): string =>
  alg === '3des' ? 'des-ede3-ecb' : `aes-${MANAGEMENT_KEY_ALGORITHMS[alg].bytes * 8}-ecb`;

function ecb(alg: ManagementKeyAlgorithmName, key: Buffer, block: Uint8Array, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv(cipher(alg), key, null) : createCipheriv(cipher(alg), key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/**
 * The HSM of handler specs: "wraps" a transport key by masking it behind a marker (so a spec sees
 * no key stored as is) and computes real cryptograms, so specs can play the card's side.
 */
export class SpecTransportKeys implements TransportKeys {
  readonly wrappingKey = 'scm-stock-kek/1';
  readonly wrapped: Buffer[] = [];

  async wrap(key: Uint8Array): Promise<Buffer> {
    const w = Buffer.concat([Buffer.from('WRAPPED:'), Buffer.from(key).map((b) => b ^ 0x5a)]);
    this.wrapped.push(w);
    return w;
  }

  static unwrap(source: TransportKeySource, alg: ManagementKeyAlgorithmName): Buffer {
    if ('wellKnown' in source) return Buffer.from(WELL_KNOWN_TRANSPORT_KEY.subarray(0, MANAGEMENT_KEY_ALGORITHMS[alg].bytes));
    return Buffer.from(Buffer.from(source.wrapped.subarray(8)).map((b) => b ^ 0x5a));
  }

  async respond(source: TransportKeySource, alg: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    const key = SpecTransportKeys.unwrap(source, alg);
    const challenge = randomBytes(MANAGEMENT_KEY_ALGORITHMS[alg].block);
    return { witness: ecb(alg, key, encryptedWitness, true), challenge, expected: ecb(alg, key, challenge, false) };
  }
}

/** The card's side of mutual authentication, for specs: E_K(x). */
export const cardEncrypt = (alg: ManagementKeyAlgorithmName, key: Buffer, block: Uint8Array): Buffer => ecb(alg, key, block, false);

/** Card stock over memory, as the module wires it. */
export function stockWorld(opts: { devStock?: boolean } = {}) {
  const repo = new InMemoryStockRepository();
  const keys = new SpecTransportKeys();
  const cfg = { SCM_DEV_STOCK: opts.devStock ?? false };
  const service = new StockCardsService(repo, keys, cfg);
  return {
    repo,
    keys,
    cfg,
    service,
    /** A registered manifest batch holding these serials, each with transport key `key(serial)`. */
    async seedBatch(
      name: string,
      serials: string[],
      key: (serial: string) => Buffer,
      extra: Partial<StockBatch> = {},
    ): Promise<StockBatch> {
      const batch: StockBatch = {
        id: `00000000-0000-4000-8000-${String(repo.batches.size + 1).padStart(12, '0')}`,
        name,
        kind: 'manifest',
        vendor: null,
        transportAlgorithm: 'aes192',
        wrappingKey: keys.wrappingKey,
        attestationRoot: null,
        manifestSha256: null,
        cardCount: serials.length,
        importedBy: 'user:spec',
        importedAt: new Date('2026-12-01T08:00:00Z'),
        ...extra,
      };
      const cards = [];
      for (const serial of serials)
        cards.push({
          serial,
          batchId: batch.id,
          transportKeyWrapped: await keys.wrap(key(serial)),
          destroyedAt: null,
          destroyedBy: null,
          createdAt: batch.importedAt,
        });
      await repo.insertBatch(undefined as unknown as TxScope, batch, cards);
      return batch;
    },
  };
}

export type StockWorld = ReturnType<typeof stockWorld>;

/** A spec's transport key of a serial (AES-192). */
export const specTransportKey = (serial: string): Buffer => Buffer.alloc(24, `${serial}-transport-key`);
