import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardholderEntity, KeyRecoveryEntity, type RecoveredKeyJson, VscEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { KeyRecovery, KeyRecoveryRepository } from './key-recovery.repository';

@Injectable()
export class PgKeyRecoveryRepository implements KeyRecoveryRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, recovery: KeyRecovery): Promise<void> {
    await tx.em.insert(KeyRecoveryEntity, recovery);
  }

  async lock(tx: TxScope, id: string): Promise<KeyRecovery | undefined> {
    return (
      (await tx.em.createQueryBuilder(KeyRecoveryEntity, 'k').where('k.id = :id', { id }).setLock('pessimistic_write').getOne()) ??
      undefined
    );
  }

  async get(id: string, tx?: TxScope): Promise<KeyRecovery | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(KeyRecoveryEntity, { id })) ?? undefined;
  }

  async byApproval(approvalId: string, tx?: TxScope): Promise<KeyRecovery | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(KeyRecoveryEntity, { approvalId })) ?? undefined;
  }

  async delivered(tx: TxScope, id: string, keys: RecoveredKeyJson[]): Promise<void> {
    await tx.em.update(KeyRecoveryEntity, { id }, { state: 'delivered', deliveredAt: tx.now, keys });
  }

  async cardholderExists(cardholderId: string, tx: TxScope): Promise<boolean> {
    return tx.em.existsBy(CardholderEntity, { id: cardholderId });
  }

  escrowVscsOf(cardholderId: string, tx: TxScope): Promise<StoredVsc[]> {
    return tx.em.find(VscEntity, { where: { cardholderId, kind: 'escrow' }, order: { createdAt: 'DESC' } });
  }
}
