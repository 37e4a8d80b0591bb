import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CardState } from './card-lifecycle';
import type { CardListEntry, CardListFilter, CardViewsRepository, CardVscVersion } from './card-views.repository';

/** LIKE's wildcards and its escape character, taken literally. */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class PgCardViewsRepository implements CardViewsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(f: CardListFilter): Promise<CardListEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.search) {
      args.push(`%${likeLiteral(f.search.toLowerCase())}%`);
      const p = `$${args.length}`;
      where.push(`(lower(c.serial) LIKE ${p} OR lower(h.name) LIKE ${p} OR lower(h.email) LIKE ${p} OR lower(h.upn) LIKE ${p})`);
    }
    if (f.state) {
      args.push(f.state);
      where.push(`c.state = $${args.length}`);
    }
    args.push(f.limit, f.offset);
    const rows = await this.ds.query<
      Array<{
        id: string;
        serial: string | null;
        state: CardState;
        state_changed_at: Date;
        cardholder_id: string | null;
        cardholder_name: string | null;
        request_id: string | null;
        vsc_id: string | null;
      }>
    >(
      `SELECT c.id, c.serial, c.state, c.state_changed_at, c.cardholder_id, h.name AS cardholder_name, c.request_id, c.vsc_id
         FROM card c LEFT JOIN cardholder h ON h.id = c.cardholder_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.created_at DESC, c.id
        LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map((r) => ({
      id: r.id,
      serial: r.serial,
      state: r.state,
      stateChangedAt: r.state_changed_at,
      cardholderId: r.cardholder_id,
      cardholderName: r.cardholder_name,
      requestId: r.request_id,
      vscId: r.vsc_id,
    }));
  }

  async versions(cardId: string): Promise<CardVscVersion[]> {
    const rows = await this.ds.query<
      Array<{
        vsc_id: string;
        version: number;
        sha256: Buffer;
        reason: string;
        created_at: Date;
        escrowed_at: Date | null;
        volume: number | null;
      }>
    >(
      `SELECT v.vsc_id, v.version, v.sha256, v.reason, v.created_at, v.escrowed_at, e.volume
         FROM card c JOIN vsc_version v ON v.vsc_id = c.vsc_id
         LEFT JOIN archive_entry e ON e.vsc_id = v.vsc_id AND e.version = v.version
        WHERE c.id = $1
        ORDER BY v.version`,
      [cardId],
    );
    return rows.map((r) => ({
      vscId: r.vsc_id,
      version: r.version,
      sha256: r.sha256.toString('hex'),
      reason: r.reason,
      createdAt: r.created_at,
      escrowedAt: r.escrowed_at,
      volume: r.volume,
    }));
  }
}
