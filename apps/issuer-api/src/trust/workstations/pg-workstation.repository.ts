import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkstationEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Workstation, WorkstationRepository } from './workstation.repository';

@Injectable()
export class PgWorkstationRepository implements WorkstationRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async save(tx: TxScope, ws: Workstation): Promise<void> {
    await tx.em.upsert(WorkstationEntity, ws, ['id']);
  }

  list(tx?: TxScope): Promise<Workstation[]> {
    return (tx?.em ?? this.ds.manager).find(WorkstationEntity, { order: { id: 'ASC' } });
  }
}
