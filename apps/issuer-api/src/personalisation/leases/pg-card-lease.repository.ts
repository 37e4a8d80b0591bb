import { Injectable } from '@nestjs/common';
import { CardLeaseEntity, WorkerClaimEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardLease, CardLeaseRepository, WorkerClaim } from './card-lease.repository';

/** Only ever used inside a unit of work: every query runs on its transaction; it holds no pool of its own. */
@Injectable()
export class PgCardLeaseRepository implements CardLeaseRepository {
  async get(requestId: string, tx: TxScope): Promise<CardLease | undefined> {
    return (await tx.em.findOneBy(CardLeaseEntity, { requestId })) ?? undefined;
  }

  async ofReader(tx: TxScope, workerId: string, reader: string): Promise<CardLease | undefined> {
    return (await tx.em.findOneBy(CardLeaseEntity, { workerId, reader })) ?? undefined;
  }

  async lockNextFree(tx: TxScope, now: Date): Promise<string | undefined> {
    // SKIP LOCKED: workers asking at the same moment each get another request instead of queueing on one row.
    const rows = (await tx.em.query(
      `SELECT r.id FROM issuance_request r
        WHERE r.state = 'awaiting-card' AND r.card_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM card_lease l WHERE l.request_id = r.id AND l.expires_at > $1)
        ORDER BY r.created_at, r.id
        LIMIT 1
        FOR UPDATE OF r SKIP LOCKED`,
      [now],
    )) as Array<{ id: string }>;
    return rows[0]?.id;
  }

  async put(tx: TxScope, lease: CardLease): Promise<void> {
    await tx.em
      .createQueryBuilder()
      .delete()
      .from(CardLeaseEntity)
      .where('worker_id = :w AND reader = :r AND request_id <> :id', { w: lease.workerId, r: lease.reader, id: lease.requestId })
      .execute();
    await tx.em.upsert(CardLeaseEntity, lease, ['requestId']);
  }

  async renew(tx: TxScope, requestId: string, workerId: string, expiresAt: Date): Promise<boolean> {
    const r = await tx.em.update(CardLeaseEntity, { requestId, workerId }, { expiresAt });
    return (r.affected ?? 0) > 0;
  }

  async remove(tx: TxScope, requestId: string): Promise<void> {
    await tx.em.delete(CardLeaseEntity, { requestId });
  }

  async recordClaim(tx: TxScope, claim: WorkerClaim): Promise<void> {
    await tx.em.insert(WorkerClaimEntity, claim);
  }

  async claimsSince(workerId: string, since: Date, tx: TxScope): Promise<{ total: number; suspicious: number }> {
    const r = await tx.em
      .createQueryBuilder(WorkerClaimEntity, 'c')
      .select('count(*)::int', 'total')
      .addSelect('count(*) FILTER (WHERE c.suspicious)::int', 'suspicious')
      .where('c.workerId = :workerId AND c.at > :since', { workerId, since })
      .getRawOne<{ total: number; suspicious: number }>();
    return { total: r?.total ?? 0, suspicious: r?.suspicious ?? 0 };
  }
}
