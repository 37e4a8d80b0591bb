import type { CardholderEntity } from '@scm/db';
import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A card as the help desk's flows see it: the card, its cardholder, the request it was issued for and its escrow VSC. */
export interface HelpdeskCard {
  card: Card;
  holder: CardholderEntity;
  request: IssuanceRequest | null;
  vsc: StoredVsc | null;
}

/** How messages name a card: its serial, or its id before it has one. */
export const cardName = (c: { card: Card }): string => c.card.serial ?? c.card.id;

/**
 * The help desk's view of a card, named by its id or its serial (the help desk reads serials off
 * the card or the cardholder's record). A card without a cardholder is no card to the help desk.
 */
export interface HelpdeskCardRepository {
  find(ref: string, tx?: TxScope): Promise<HelpdeskCard | undefined>;
  /** The same, the card row locked for the rest of the transaction. */
  lock(tx: TxScope, ref: string): Promise<HelpdeskCard | undefined>;
}

export const HELPDESK_CARD_REPOSITORY = Symbol('HelpdeskCardRepository');
