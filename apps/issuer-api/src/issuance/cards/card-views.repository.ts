import type { CardState } from './card-lifecycle';

/** Which cards a list shows: a search over serial and cardholder, a state, a page. */
export interface CardListFilter {
  /** Part of the serial, or of the cardholder's name, e-mail or UPN (case-insensitive). */
  search?: string;
  state?: CardState;
  limit: number;
  offset: number;
}

/** A card as the officer's list shows it, with its cardholder's name. */
export interface CardListEntry {
  id: string;
  serial: string | null;
  state: CardState;
  stateChangedAt: Date;
  cardholderId: string | null;
  cardholderName: string | null;
  requestId: string | null;
  vscId: string | null;
}

/** One sealed version of a card's VSC, and the archive volume that holds it (none until sealed). */
export interface CardVscVersion {
  vscId: string;
  version: number;
  sha256: string;
  reason: string;
  createdAt: Date;
  escrowedAt: Date | null;
  volume: number | null;
}

/** Read models over cards for the console: a searched, paged list and a card's escrow versions. */
export interface CardViewsRepository {
  /** Newest first. */
  list(filter: CardListFilter): Promise<CardListEntry[]>;
  /** The versions of the card's VSC, oldest first (none when the card has no VSC or does not exist). */
  versions(cardId: string): Promise<CardVscVersion[]>;
}

export const CARD_VIEWS_REPOSITORY = Symbol('CardViewsRepository');
