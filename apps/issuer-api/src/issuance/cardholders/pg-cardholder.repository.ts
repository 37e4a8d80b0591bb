import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardholderEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Cardholder, CardholderRepository, CardholderSearch } from './cardholder.repository';

/** LIKE's wildcards and its escape character, taken literally. */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class PgCardholderRepository implements CardholderRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async insertMany(tx: TxScope, rows: readonly Cardholder[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement whatever the size (a multi-row VALUES would pass PostgreSQL's 65535 parameters);
    // org_ids travel as JSON arrays because unnest cannot take an array of arrays of varying length.
    await tx.em.query(
      `INSERT INTO cardholder (id, name, email, upn, org_ids, status, created_at, updated_at)
       SELECT id, name, email, upn, ARRAY(SELECT jsonb_array_elements_text(org)), status, created_at, updated_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[], $8::timestamptz[])
           AS t(id, name, email, upn, org, status, created_at, updated_at)`,
      [
        rows.map((c) => c.id),
        rows.map((c) => c.name),
        rows.map((c) => c.email),
        rows.map((c) => c.upn),
        rows.map((c) => JSON.stringify(c.orgIds)),
        rows.map((c) => c.status),
        rows.map((c) => c.createdAt),
        rows.map((c) => c.updatedAt),
      ],
    );
  }

  async get(id: string, tx?: TxScope): Promise<Cardholder | undefined> {
    return (await this.em(tx).findOneBy(CardholderEntity, { id })) ?? undefined;
  }

  search(f: CardholderSearch, tx?: TxScope): Promise<Cardholder[]> {
    const q = this.em(tx).createQueryBuilder(CardholderEntity, 'c');
    if (f.search) {
      q.where(
        `(lower(c.name) LIKE :p OR lower(c.email) LIKE :p OR lower(c.upn) LIKE :p OR EXISTS (SELECT 1 FROM unnest(c.orgIds) o WHERE lower(o) LIKE :p))`,
        { p: `%${likeLiteral(f.search.toLowerCase())}%` },
      );
    }
    return q.orderBy('lower(c.name)').addOrderBy('c.id').limit(f.limit).offset(f.offset).getMany();
  }

  withUpns(upns: readonly string[], tx?: TxScope): Promise<Cardholder[]> {
    if (upns.length === 0) return Promise.resolve([]);
    return this.em(tx).createQueryBuilder(CardholderEntity, 'c').where('lower(c.upn) = ANY(CAST(:upns AS text[]))', { upns }).getMany();
  }

  byReferences(ids: readonly string[], names: readonly string[], tx?: TxScope): Promise<Cardholder[]> {
    return this.em(tx)
      .createQueryBuilder(CardholderEntity, 'c')
      .where(
        'c.id = ANY(CAST(:ids AS uuid[])) OR lower(c.upn) = ANY(CAST(:names AS text[])) OR lower(c.email) = ANY(CAST(:names AS text[]))',
        {
          ids,
          names,
        },
      )
      .getMany();
  }
}
