import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CaAuthorityEntity, CaCrlEntity } from '@scm/db';
import { type DataSource, In, Not, IsNull } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CaAuthority, CaAuthorityRepository, StoredCrl } from './ca-authority.repository';

@Injectable()
export class PgCaAuthorityRepository implements CaAuthorityRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async signingCaIds(tx?: TxScope): Promise<string[]> {
    const rows = await (tx?.em ?? this.ds.manager).find(CaAuthorityEntity, {
      select: { caId: true },
      where: { role: In(['root', 'issuing']), keyLabel: Not(IsNull()) },
      order: { caId: 'ASC' },
    });
    return rows.map((r) => r.caId);
  }

  async get(caId: string, tx?: TxScope): Promise<CaAuthority | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CaAuthorityEntity, { caId })) ?? undefined;
  }

  async latestCrl(caId: string, tx?: TxScope): Promise<StoredCrl | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOne(CaCrlEntity, { where: { caId }, order: { crlNumber: 'DESC' } })) ?? undefined;
  }

  async lockCrlPublication(tx: TxScope, caId: string): Promise<void> {
    await tx.em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`scm:crl:${caId}`]);
  }
}
