import type { CardUpdateEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A card update as stored (card_update). */
export type CardUpdate = CardUpdateEntity;

/** A certificate or card near (or past) its end, for the expiry sweep and the `expiring` report. */
export interface ExpiringCard {
  cardId: string;
  serial: string | null;
  state: string;
  cardholderId: string | null;
  requestId: string;
  /** The latest notAfter of the card's valid certificates. */
  notAfter: Date;
  /** The card's valid certificates ending before the horizon. */
  certificates: Array<{ serial: string; slot: string | null; notAfter: Date }>;
  /** The renewal policy of the card's profile. */
  renewal: 'automatic' | 'approval';
  openUpdate: string | null;
}

/** Storage of card updates, and the read of cards near their end. */
export interface CardUpdateRepository {
  insert(tx: TxScope, u: CardUpdate): Promise<void>;
  lock(tx: TxScope, id: string): Promise<CardUpdate | undefined>;
  get(id: string, tx?: TxScope): Promise<CardUpdate | undefined>;
  /** The card's open update (awaiting approval, pending or running), locked. */
  lockOpenOfCard(tx: TxScope, cardId: string): Promise<CardUpdate | undefined>;
  ofCard(cardId: string, tx?: TxScope): Promise<CardUpdate[]>;
  patch(tx: TxScope, id: string, patch: Partial<CardUpdate>): Promise<void>;
  /** The ids of a cardholder's cards that take updates (issued or active). */
  updatableCardsOf(cardholderId: string, tx: TxScope): Promise<string[]>;
  /** The card's PUK as kept (card_credential: sealed under the HSM, bound to the card), locked. */
  lockCardPuk(tx: TxScope, cardId: string): Promise<{ sealed: Buffer; key: string } | undefined>;
  /** A rotated PUK the card took becomes the card's PUK (sealed, bound to the card). */
  replaceCardPuk(tx: TxScope, cardId: string, sealed: Buffer, key: string): Promise<void>;
  /** Issued, active or suspended cards whose valid certificates end before `horizon`. */
  expiring(horizon: Date, tx: TxScope): Promise<ExpiringCard[]>;
}

export const CARD_UPDATE_REPOSITORY = Symbol('CardUpdateRepository');
