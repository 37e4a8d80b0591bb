import { Query } from '@nestjs/cqrs';
import type { CardListFilter } from '../card-views.repository';

/** A card in the officer's list (dates as ISO strings). */
export interface CardSummary {
  id: string;
  serial: string | null;
  state: string;
  stateChangedAt: string;
  cardholderId: string | null;
  cardholderName: string | null;
  requestId: string | null;
  vscId: string | null;
}

/** Cards, newest first, searched by serial or cardholder and paged. */
export class ListCardsQuery extends Query<CardSummary[]> {
  constructor(readonly filter: CardListFilter) {
    super();
  }
}
