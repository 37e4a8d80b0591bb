import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, IssuanceRequestEntity, ReissueEntity, VscEntity } from '@scm/db';
import { type DataSource, type EntityManager, type FindOptionsWhere, In } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { isUuid } from '../shared/card-ref';
import type { Reissue } from './reissue.repository';
import type { ReissueFilter, ReissueRecord, ReissueViewRepository } from './reissue-views.repository';

const unique = (xs: Array<string | null>): string[] => [...new Set(xs.filter((x): x is string => x !== null))];

@Injectable()
export class PgReissueViewRepository implements ReissueViewRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async get(id: string, tx?: TxScope): Promise<ReissueRecord | undefined> {
    const em = tx?.em ?? this.ds.manager;
    const r = await em.findOneBy(ReissueEntity, { id });
    return r ? (await this.compose(em, [r]))[0] : undefined;
  }

  async list(f: ReissueFilter, limit: number, tx?: TxScope): Promise<ReissueRecord[]> {
    const em = tx?.em ?? this.ds.manager;
    const where: FindOptionsWhere<ReissueEntity> = {};
    if (f.state) where.state = f.state;
    if (f.card) {
      const bySerial = await em.find(CardEntity, { select: ['id'], where: { serial: f.card } });
      const cardIds = [...(isUuid(f.card) ? [f.card] : []), ...bySerial.map((k) => k.id)];
      if (!cardIds.length) return [];
      where.oldCardId = In(cardIds);
    }
    return this.compose(em, await em.find(ReissueEntity, { where, order: { createdAt: 'DESC' }, take: limit }));
  }

  /** The records of these reissues, in their order; one whose old card or request is gone is left out. */
  private async compose(em: EntityManager, found: Reissue[]): Promise<ReissueRecord[]> {
    if (!found.length) return [];
    const requests = new Map(
      (await em.findBy(IssuanceRequestEntity, { id: In(unique(found.map((r) => r.requestId))) })).map((q) => [q.id, q]),
    );
    const cardIds = unique([...found.map((r) => r.oldCardId), ...[...requests.values()].map((q) => q.cardId)]);
    const cards = new Map((await em.findBy(CardEntity, { id: In(cardIds) })).map((k) => [k.id, k]));
    const vscs = new Map((await em.findBy(VscEntity, { requestId: In([...requests.keys()]) })).map((v) => [v.requestId as string, v]));
    return found.flatMap((reissue) => {
      const oldCard = cards.get(reissue.oldCardId);
      const request = requests.get(reissue.requestId);
      if (!oldCard || !request) return [];
      const newCard = (request.cardId && cards.get(request.cardId)) || null;
      return [{ reissue, oldCard, request, vsc: vscs.get(request.id) ?? null, newCard }];
    });
  }
}
