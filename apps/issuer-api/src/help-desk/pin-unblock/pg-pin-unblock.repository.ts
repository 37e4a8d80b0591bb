import { Injectable } from '@nestjs/common';
import { ActivationSessionEntity, CardCredentialEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardSession, PinUnblockRepository } from './pin-unblock.repository';

/** Only ever used inside a unit of work: every query runs on its transaction; it holds no pool of its own. */
@Injectable()
export class PgPinUnblockRepository implements PinUnblockRepository {
  hasPuk(cardId: string, tx: TxScope): Promise<boolean> {
    return tx.em.existsBy(CardCredentialEntity, { cardId });
  }

  async expireStale(tx: TxScope, cardId: string): Promise<string[]> {
    const r = await tx.em
      .createQueryBuilder()
      .update(ActivationSessionEntity)
      .set({ state: 'expired', closedAt: tx.now })
      .where(`card_id = :cardId AND state = 'open' AND expires_at <= :now`, { cardId, now: tx.now })
      .returning(['id'])
      .execute();
    return (r.raw as Array<{ id: string }>).map((s) => s.id);
  }

  async openSession(cardId: string, tx: TxScope): Promise<CardSession | undefined> {
    return (await tx.em.findOneBy(ActivationSessionEntity, { cardId, state: 'open' })) ?? undefined;
  }

  async insert(tx: TxScope, session: CardSession): Promise<void> {
    await tx.em.insert(ActivationSessionEntity, session);
  }
}
