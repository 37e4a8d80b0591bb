import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardWorkerEntity, EnrollmentTokenEntity, WorkerChallengeEntity } from '@scm/db';
import { type DataSource, LessThan, MoreThan } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardWorker, EnrollmentToken, WorkerChallenge, WorkerRepository } from './worker.repository';

@Injectable()
export class PgWorkerRepository implements WorkerRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async get(id: string, tx: TxScope): Promise<CardWorker | undefined> {
    return (await this.em(tx).findOneBy(CardWorkerEntity, { id })) ?? undefined;
  }

  async lock(tx: TxScope, id: string): Promise<CardWorker | undefined> {
    const w = await tx.em.createQueryBuilder(CardWorkerEntity, 'w').where('w.id = :id', { id }).setLock('pessimistic_write').getOne();
    return w ?? undefined;
  }

  list(tx?: TxScope): Promise<CardWorker[]> {
    return this.em(tx).find(CardWorkerEntity, { order: { registeredAt: 'ASC' } });
  }

  approvedAt(workstation: number, tx?: TxScope): Promise<CardWorker[]> {
    return this.em(tx).find(CardWorkerEntity, { where: { workstation, status: 'approved' }, order: { registeredAt: 'ASC' } });
  }

  async insert(tx: TxScope, worker: CardWorker): Promise<void> {
    await tx.em.insert(CardWorkerEntity, worker);
  }

  async decide(tx: TxScope, id: string, status: 'approved' | 'revoked', decidedBy: string): Promise<CardWorker | undefined> {
    await tx.em.update(CardWorkerEntity, { id }, { status, decidedBy, decidedAt: tx.now, suspendedReason: null });
    return this.get(id, tx);
  }

  async suspend(tx: TxScope, id: string, reason: string): Promise<void> {
    await tx.em.update(CardWorkerEntity, { id, status: 'approved' }, { status: 'suspended', suspendedReason: reason, decidedAt: tx.now });
  }

  async touch(tx: TxScope, id: string): Promise<void> {
    await tx.em.update(CardWorkerEntity, { id }, { lastSeenAt: tx.now });
  }

  async insertEnrollmentToken(tx: TxScope, token: EnrollmentToken): Promise<void> {
    await tx.em.insert(EnrollmentTokenEntity, token);
  }

  async lockEnrollmentToken(tx: TxScope, tokenHash: Buffer): Promise<EnrollmentToken | undefined> {
    const t = await tx.em
      .createQueryBuilder(EnrollmentTokenEntity, 't')
      .where('t.tokenHash = :tokenHash', { tokenHash })
      .setLock('pessimistic_write')
      .getOne();
    return t ?? undefined;
  }

  async useEnrollmentToken(tx: TxScope, id: string, workerId: string): Promise<void> {
    await tx.em.update(EnrollmentTokenEntity, { id }, { usedAt: tx.now, workerId });
  }

  async enrollmentTokenOf(workerId: string, tx: TxScope): Promise<EnrollmentToken | undefined> {
    return (await this.em(tx).findOneBy(EnrollmentTokenEntity, { workerId })) ?? undefined;
  }

  async insertChallenge(tx: TxScope, challenge: WorkerChallenge): Promise<void> {
    await tx.em.insert(WorkerChallengeEntity, challenge);
  }

  async purgeExpiredChallenges(tx: TxScope): Promise<void> {
    await tx.em.delete(WorkerChallengeEntity, { expiresAt: LessThan(tx.now) });
  }

  async takeChallenge(tx: TxScope, nonce: Buffer, workerId: string): Promise<boolean> {
    const r = await tx.em.delete(WorkerChallengeEntity, { nonce, workerId, expiresAt: MoreThan(tx.now) });
    return r.affected === 1;
  }
}
