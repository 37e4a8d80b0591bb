import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardholderEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Cardholder, CardholderIdentity, CardholderRepository, CardholderSearch } from './cardholder.repository';

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
      `INSERT INTO cardholder (id, name, email, upn, org_ids, status, created_at, updated_at, registered_by, sponsored_by, sponsored_at)
       SELECT id, name, email, upn, ARRAY(SELECT jsonb_array_elements_text(org)), status, created_at, updated_at,
              registered_by, sponsored_by, sponsored_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                     $9::text[], $10::text[], $11::timestamptz[])
           AS t(id, name, email, upn, org, status, created_at, updated_at, registered_by, sponsored_by, sponsored_at)`,
      [
        rows.map((c) => c.id),
        rows.map((c) => c.name),
        rows.map((c) => c.email),
        rows.map((c) => c.upn),
        rows.map((c) => JSON.stringify(c.orgIds)),
        rows.map((c) => c.status),
        rows.map((c) => c.createdAt),
        rows.map((c) => c.updatedAt),
        rows.map((c) => c.registeredBy ?? null),
        rows.map((c) => c.sponsoredBy ?? null),
        rows.map((c) => c.sponsoredAt ?? null),
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

  withUpns(upns: readonly string[], tx: TxScope): Promise<Cardholder[]> {
    if (upns.length === 0) return Promise.resolve([]);
    return this.em(tx).createQueryBuilder(CardholderEntity, 'c').where('lower(c.upn) = ANY(CAST(:upns AS text[]))', { upns }).getMany();
  }

  byReferences(ids: readonly string[], names: readonly string[], tx: TxScope): Promise<Cardholder[]> {
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

  async approveRegistration(tx: TxScope, ids: readonly string[], sponsor: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await tx.em.query(
      `UPDATE cardholder SET status = 'active', sponsored_by = $2, sponsored_at = $3, updated_at = $3
        WHERE id = ANY($1::uuid[]) AND status = 'pending' RETURNING id`,
      [ids, sponsor, tx.now],
    )) as [Array<{ id: string }>, number];
    return rows[0].map((r) => r.id);
  }

  async updateIdentity(tx: TxScope, id: string, from: CardholderIdentity, to: CardholderIdentity): Promise<boolean> {
    const rows = (await tx.em.query(
      `UPDATE cardholder SET name = $5, upn = $6, email = $7, updated_at = $8
        WHERE id = $1 AND status = 'active' AND name = $2 AND upn IS NOT DISTINCT FROM $3 AND email IS NOT DISTINCT FROM $4 RETURNING id`,
      [id, from.name, from.upn, from.email, to.name, to.upn, to.email, tx.now],
    )) as [Array<{ id: string }>, number];
    return rows[0].length === 1;
  }

  async sponsor(tx: TxScope, id: string, sponsor: string): Promise<boolean> {
    const r = await tx.em.update(
      CardholderEntity,
      { id, status: 'active' },
      { sponsoredBy: sponsor, sponsoredAt: tx.now, updatedAt: tx.now },
    );
    return (r.affected ?? 0) > 0;
  }

  async consumeSponsorships(tx: TxScope, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.em.query(`UPDATE cardholder SET sponsored_by = NULL, sponsored_at = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
