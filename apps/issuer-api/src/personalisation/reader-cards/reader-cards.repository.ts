/**
 * The card SCM last leased a job for in a reader: the lease row a worker keeps per reader
 * (card_lease keeps one per worker and reader, live or expired), with what SCM knows of that card.
 */
export interface ReaderCard {
  workstation: number;
  reader: string;
  serial: string;
  /** The ATR the worker reported when it took the job (hex). */
  atr: string;
  leasedAt: Date;
  expiresAt: Date;
  requestId: string;
  requestState: string | null;
  cardholderName: string | null;
  cardId: string | null;
  cardState: string | null;
}

export interface ReaderCardsRepository {
  /** One entry per workstation and reader (the latest lease), by workstation then reader. */
  list(): Promise<ReaderCard[]>;
}

export const READER_CARDS_REPOSITORY = Symbol('ReaderCardsRepository');
