import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardholderEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Cardholder, CardholderRepository } from './cardholder.repository';

@Injectable()
export class PgCardholderRepository implements CardholderRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async get(id: string, tx?: TxScope): Promise<Cardholder | undefined> {
    return (await this.em(tx).findOneBy(CardholderEntity, { id })) ?? undefined;
  }
}
