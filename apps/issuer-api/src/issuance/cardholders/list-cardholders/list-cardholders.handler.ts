import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CardholderRow, type CardholderView, toCardholderView } from '../cardholder';
import { ListCardholdersQuery } from './list-cardholders.query';

@QueryHandler(ListCardholdersQuery)
export class ListCardholdersHandler implements IQueryHandler<ListCardholdersQuery, CardholderView[]> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ListCardholdersQuery): Promise<CardholderView[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.filter.id) {
      params.push(q.filter.id);
      where.push(`id = $${params.length}`);
    }
    if (q.filter.search) {
      params.push(`%${q.filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const p = `$${params.length}`;
      where.push(
        `(lower(name) LIKE ${p} OR lower(email) LIKE ${p} OR lower(upn) LIKE ${p} OR EXISTS (SELECT 1 FROM unnest(org_ids) o WHERE lower(o) LIKE ${p}))`,
      );
    }
    params.push(Math.min(q.filter.limit ?? 100, 1000), q.filter.offset ?? 0);
    const rows = (await this.ds.query(
      `SELECT id, name, email, upn, org_ids, status, created_at FROM cardholder ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(name), id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    )) as CardholderRow[];
    return rows.map(toCardholderView);
  }
}
