import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardProfileEntity, CardProfileVersionEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ProfileRepository, StoredProfile, StoredProfileVersion } from './profile.repository';

const json = (v: unknown) => v as QueryDeepPartialEntity<StoredProfile['definition']>;

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

  async lock(tx: TxScope, id: string): Promise<StoredProfile | undefined> {
    return (await tx.em.findOne(CardProfileEntity, { where: { id }, lock: { mode: 'pessimistic_write' } })) ?? undefined;
  }

  async getDefault(tx?: TxScope): Promise<StoredProfile | undefined> {
    return (await this.em(tx).findOneBy(CardProfileEntity, { isDefault: true })) ?? undefined;
  }

  async insert(tx: TxScope, p: StoredProfile): Promise<void> {
    await tx.em.insert(CardProfileEntity, { ...p, definition: json(p.definition) });
  }

  async advance(
    tx: TxScope,
    id: string,
    from: number,
    to: Pick<StoredProfile, 'version' | 'description' | 'definition'>,
  ): Promise<boolean> {
    const r = await tx.em.update(
      CardProfileEntity,
      { id, version: from },
      { version: to.version, description: to.description, definition: json(to.definition) },
    );
    return (r.affected ?? 0) > 0;
  }

  async insertVersion(tx: TxScope, v: StoredProfileVersion): Promise<void> {
    await tx.em.insert(CardProfileVersionEntity, { ...v, definition: json(v.definition) });
  }

  versions(id: string, tx?: TxScope): Promise<StoredProfileVersion[]> {
    return this.em(tx).find(CardProfileVersionEntity, { where: { profileId: id }, order: { version: 'ASC' } });
  }
}
