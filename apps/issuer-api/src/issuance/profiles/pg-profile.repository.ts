import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardProfileEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ProfileRepository, StoredProfile } from './profile.repository';

@Injectable()
export class PgProfileRepository implements ProfileRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  list(tx?: TxScope): Promise<StoredProfile[]> {
    return this.em(tx).find(CardProfileEntity, { order: { isDefault: 'DESC', id: 'ASC' } });
  }

  async get(id: string, tx?: TxScope): Promise<StoredProfile | undefined> {
    return (await this.em(tx).findOneBy(CardProfileEntity, { id })) ?? undefined;
  }

  async getDefault(tx?: TxScope): Promise<StoredProfile | undefined> {
    return (await this.em(tx).findOneBy(CardProfileEntity, { isDefault: true })) ?? undefined;
  }
}
