import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, CardholderEntity, IssuanceRequestEntity, VscEntity } from '@scm/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { isUuid } from './card-ref';
import type { HelpdeskCard, HelpdeskCardRepository } from './help-desk-card.repository';

@Injectable()
export class PgHelpdeskCardRepository implements HelpdeskCardRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async find(ref: string, tx?: TxScope): Promise<HelpdeskCard | undefined> {
    const em = tx?.em ?? this.ds.manager;
    return this.compose(em, await em.findOneBy(CardEntity, isUuid(ref) ? { id: ref } : { serial: ref }));
  }

  async lock(tx: TxScope, ref: string): Promise<HelpdeskCard | undefined> {
    const q = tx.em.createQueryBuilder(CardEntity, 'k');
    if (isUuid(ref)) q.where('k.id = :ref', { ref });
    else q.where('k.serial = :ref', { ref });
    return this.compose(tx.em, await q.setLock('pessimistic_write').getOne());
  }

  private async compose(em: EntityManager, card: CardEntity | null): Promise<HelpdeskCard | undefined> {
    if (!card?.cardholderId) return undefined;
    const holder = await em.findOneBy(CardholderEntity, { id: card.cardholderId });
    if (!holder) return undefined;
    const request = card.requestId ? await em.findOneBy(IssuanceRequestEntity, { id: card.requestId }) : null;
    const vsc = card.vscId ? await em.findOneBy(VscEntity, { id: card.vscId }) : null;
    return { card, holder, request, vsc };
  }
}
