import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { StockError, StockErrorCode as E } from '../stock-errors';
import { StockCardsService } from '../stock-cards.service';
import { checkImport, type CheckedImport, DEVELOPMENT_BATCH } from '../stock-rules';
import { STOCK_REPOSITORY, type StockBatch, type StockCard, type StockRepository } from '../stock.repository';
import { TRANSPORT_KEYS, type TransportKeys } from '../transport-keys.service';
import { type ImportedBatch, ImportStockBatchCommand } from './import-batch.command';

/** What the audit and the batch record of a manifest: its hash over serials and wrapped keys' serials (never a key). */
function manifestHash(i: CheckedImport): Buffer {
  const h = createHash('sha256').update(`${i.name}\n${i.algorithm}\n`);
  for (const c of i.cards) h.update(`${c.serial}\n`);
  return h.digest();
}

/**
 * Registers a stock batch: every line is checked first (one bad line refuses the whole manifest),
 * each transport key is wrapped under the HSM's stock key (never stored in clear) and wiped, then
 * the batch and its cards are written in one transaction. The development batch (factory-default,
 * the well-known key) is refused unless SCM_DEV_STOCK is on.
 */
@CommandHandler(ImportStockBatchCommand)
export class ImportStockBatchHandler implements ICommandHandler<ImportStockBatchCommand, ImportedBatch> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(STOCK_REPOSITORY) private readonly stock: StockRepository,
    @Inject(TRANSPORT_KEYS) private readonly keys: TransportKeys,
    private readonly stockCards: StockCardsService,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_DEV_STOCK'>,
  ) {}

  async execute(c: ImportStockBatchCommand): Promise<ImportedBatch> {
    if ('development' in c.input) return this.development(c);
    const checked = checkImport(c.input);
    const cards: StockCard[] = [];
    try {
      for (const k of checked.cards)
        cards.push({
          serial: k.serial,
          batchId: '',
          transportKeyWrapped: await this.keys.wrap(k.key, checked.algorithm),
          destroyedAt: null,
          destroyedBy: null,
          createdAt: new Date(0),
        });
    } finally {
      for (const k of checked.cards) k.key.fill(0);
    }
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: StockError) =>
        tx.deny(e, { action: 'stock.import', targetType: 'stock-batch', targetId: checked.name, details: { cards: cards.length } });
      if (await this.stock.batchByName(checked.name, tx))
        return deny(new StockError(E.Conflict, `a stock batch named ${checked.name} exists already`, { name: checked.name }));
      const taken = await this.stock.existingSerials(
        cards.map((x) => x.serial),
        tx,
      );
      if (taken.length)
        return deny(
          new StockError(E.Conflict, `${taken.length} serial(s) are in stock already: ${taken.slice(0, 5).join(', ')}`, {
            serials: taken.slice(0, 20),
          }),
        );
      const batch: StockBatch = {
        id: randomUUID(),
        name: checked.name,
        kind: 'manifest',
        vendor: checked.vendor,
        transportAlgorithm: checked.algorithm,
        wrappingKey: this.keys.wrappingKey,
        attestationRoot: checked.attestationRoot,
        manifestSha256: manifestHash(checked),
        cardCount: cards.length,
        importedBy: tx.actor.actor,
        importedAt: tx.now,
      };
      await this.stock.insertBatch(
        tx,
        batch,
        cards.map((x) => ({ ...x, batchId: batch.id, createdAt: tx.now })),
      );
      tx.audit({
        action: 'stock.batch-imported',
        targetType: 'stock-batch',
        targetId: batch.id,
        outcome: 'success',
        details: {
          name: batch.name,
          kind: 'manifest',
          cards: cards.length,
          algorithm: batch.transportAlgorithm,
          attestation: !!batch.attestationRoot,
          manifestSha256: batch.manifestSha256!.toString('hex'),
        },
      });
      return this.view(batch);
    });
  }

  private development(c: ImportStockBatchCommand): Promise<ImportedBatch> {
    return this.uow.run(c.actor, async (tx: Tx) => {
      if (!this.cfg.SCM_DEV_STOCK)
        return tx.deny(
          new StockError(
            E.DevelopmentStockDisabled,
            'the factory-default development batch exists only in development mode (SCM_DEV_STOCK=1); register vendor stock with a manifest',
          ),
          { action: 'stock.import', targetType: 'stock-batch', targetId: DEVELOPMENT_BATCH },
        );
      const { batch, created } = await this.stockCards.developmentBatch(tx);
      return { ...this.view(batch), ...(created ? {} : { existed: true }) };
    });
  }

  private view(b: StockBatch): ImportedBatch {
    return {
      id: b.id,
      name: b.name,
      kind: b.kind,
      algorithm: b.transportAlgorithm,
      cards: b.cardCount,
      attestation: !!b.attestationRoot,
    };
  }
}
