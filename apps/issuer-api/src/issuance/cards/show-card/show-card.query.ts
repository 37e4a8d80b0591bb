import { Query } from '@nestjs/cqrs';

/**
 * A card as the API has always shown it: the card row's columns and its history lines, named
 * as in the database (snake_case). Clients read these names; they stay as they are.
 */
export interface CardView {
  id: string;
  serial: string | null;
  state: string;
  cardholder_id: string | null;
  request_id: string | null;
  vsc_id: string | null;
  state_changed_at: Date;
  created_at: Date;
  history: Array<{ from_state: string | null; to_state: string; at: Date; actor: string; details: Record<string, unknown> }>;
}

/** A card: its state, binding and history. */
export class ShowCardQuery extends Query<CardView> {
  constructor(readonly cardId: string) {
    super();
  }
}
