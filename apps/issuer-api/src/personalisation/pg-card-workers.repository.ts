import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardWorkerEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardWorker, CardWorkersRepository } from './card-workers.repository';

@Injectable()
export class PgCardWorkersRepository implements CardWorkersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async approved(workerId: string, tx?: TxScope): Promise<CardWorker | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardWorkerEntity, { id: workerId, status: 'approved' })) ?? undefined;
  }

  approvedAt(workstation: number, tx?: TxScope): Promise<CardWorker[]> {
    return (tx?.em ?? this.ds.manager).findBy(CardWorkerEntity, { workstation, status: 'approved' });
  }
}
