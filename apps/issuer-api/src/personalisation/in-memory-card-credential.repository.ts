import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardCredential, CardCredentialRepository } from './card-credential.repository';

/** Sealed card credentials in memory, for handler specs. */
export class InMemoryCardCredentialRepository implements CardCredentialRepository {
  readonly rows = new Map<string, CardCredential>();

  async insert(_tx: TxScope, credential: CardCredential): Promise<void> {
    if (this.rows.has(credential.cardId)) throw new Error(`duplicate credential of card ${credential.cardId}`);
    this.rows.set(credential.cardId, { ...credential });
  }

  async get(cardId: string): Promise<CardCredential | undefined> {
    const c = this.rows.get(cardId);
    return c && { ...c };
  }
}
