import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { toPendingApproval } from '../cardholder';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { CardholderRegistry } from '../cardholder-registry.service';
import { ImportCardholdersCommand, type ImportResult } from './import-cardholders.command';

@CommandHandler(ImportCardholdersCommand)
export class ImportCardholdersHandler implements ICommandHandler<ImportCardholdersCommand, ImportResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly registry: CardholderRegistry,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_ISSUANCE_BATCH_MAX'>,
  ) {}

  async execute(c: ImportCardholdersCommand): Promise<ImportResult> {
    if (c.cardholders.length === 0) throw new CardholderError(CardholderErrorCode.Invalid, 'the list of cardholders is empty');
    if (c.cardholders.length > this.cfg.SCM_ISSUANCE_BATCH_MAX) {
      throw new CardholderError(
        CardholderErrorCode.TooMany,
        `at most ${this.cfg.SCM_ISSUANCE_BATCH_MAX} cardholders per call, got ${c.cardholders.length}`,
      );
    }
    return this.uow.run(c.actor, async (tx) => {
      const r = await this.registry.register(tx, c.cardholders);
      if ('errors' in r) {
        tx.audit({
          action: 'cardholder.imported',
          targetType: 'cardholder',
          targetId: null,
          outcome: 'failure',
          details: { lines: c.cardholders.length, errors: r.errors.length },
        });
        return tx.refuse(
          new CardholderError(
            CardholderErrorCode.InvalidBatch,
            `${r.errors.length} of ${c.cardholders.length} cardholders are wrong; nothing was imported`,
            { errors: r.errors },
          ),
        );
      }
      return {
        created: r.created.length,
        ids: r.created.map((x) => x.id),
        ...(r.approval ? { approval: toPendingApproval(r.approval) } : {}),
      };
    });
  }
}
