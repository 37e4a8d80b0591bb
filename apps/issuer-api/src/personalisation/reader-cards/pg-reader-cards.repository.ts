import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ReaderCard, ReaderCardsRepository } from './reader-cards.repository';

@Injectable()
export class PgReaderCardsRepository implements ReaderCardsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(): Promise<ReaderCard[]> {
    const rows = await this.ds.query<
      Array<{
        workstation: number;
        reader: string;
        serial: string;
        atr: string;
        leased_at: Date;
        expires_at: Date;
        request_id: string;
        request_state: string | null;
        cardholder_name: string | null;
        card_id: string | null;
        card_state: string | null;
      }>
    >(
      `SELECT DISTINCT ON (l.workstation, l.reader)
              l.workstation, l.reader, l.serial, l.atr, l.leased_at, l.expires_at, l.request_id,
              r.state AS request_state, h.name AS cardholder_name, c.id AS card_id, c.state AS card_state
         FROM card_lease l
         LEFT JOIN issuance_request r ON r.id = l.request_id
         LEFT JOIN cardholder h ON h.id = r.cardholder_id
         LEFT JOIN card c ON c.serial = l.serial AND c.request_id = l.request_id
        ORDER BY l.workstation, l.reader, l.leased_at DESC`,
    );
    return rows.map((r) => ({
      workstation: r.workstation,
      reader: r.reader,
      serial: r.serial,
      atr: r.atr,
      leasedAt: r.leased_at,
      expiresAt: r.expires_at,
      requestId: r.request_id,
      requestState: r.request_state,
      cardholderName: r.cardholder_name,
      cardId: r.card_id,
      cardState: r.card_state,
    }));
  }
}
