import { Injectable } from '@nestjs/common';
import { CardCredentialEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardCredential, CardCredentialRepository } from './card-credential.repository';

/** Only ever used inside a unit of work: every query runs on its transaction; it holds no pool of its own. */
@Injectable()
export class PgCardCredentialRepository implements CardCredentialRepository {
  async insert(tx: TxScope, credential: CardCredential): Promise<void> {
    await tx.em.insert(CardCredentialEntity, credential);
  }

  async get(cardId: string, tx: TxScope): Promise<CardCredential | undefined> {
    return (await tx.em.findOneBy(CardCredentialEntity, { cardId })) ?? undefined;
  }
}
