import type { CardholderEntity, CardWorkerEntity } from '@scm/db';
import type { Card } from '../../issuance/cards/card.repository';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { TemporaryCard, TemporaryCardState } from './temporary-card.repository';

/** A temporary card with what its view shows: the cardholder, the reported card, the host and its VSC. */
export interface TemporaryCardRecord {
  temporaryCard: TemporaryCard;
  holder: CardholderEntity;
  /** The card it stands in for. */
  card: Card | null;
  host: CardWorkerEntity;
  vsc: StoredVsc;
}

export interface TemporaryCardFilter {
  cardholderId?: string;
  /** The card it stands in for, by id or serial. */
  card?: string;
  state?: TemporaryCardState;
}

/** The read model of temporary cards. */
export interface TemporaryCardViewRepository {
  get(id: string, tx?: TxScope): Promise<TemporaryCardRecord | undefined>;
  /** Newest first, at most `limit`. */
  list(filter: TemporaryCardFilter, limit: number, tx?: TxScope): Promise<TemporaryCardRecord[]>;
}

export const TEMPORARY_CARD_VIEW_REPOSITORY = Symbol('TemporaryCardViewRepository');
