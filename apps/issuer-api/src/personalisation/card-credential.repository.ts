import type { CardCredentialEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A card's PUK, sealed under an HSM key (one row of card_credential; never in clear). */
export type CardCredential = CardCredentialEntity;

/** The sealed credentials of the cards SCM personalised. */
export interface CardCredentialRepository {
  insert(tx: TxScope, credential: CardCredential): Promise<void>;
  get(cardId: string, tx: TxScope): Promise<CardCredential | undefined>;
}

export const CARD_CREDENTIAL_REPOSITORY = Symbol('CardCredentialRepository');
