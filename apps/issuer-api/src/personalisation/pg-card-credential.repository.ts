import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardCredentialEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardCredential, CardCredentialRepository } from './card-credential.repository';

@Injectable()
export class PgCardCredentialRepository implements CardCredentialRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, credential: CardCredential): Promise<void> {
    await tx.em.insert(CardCredentialEntity, credential);
  }

  async get(cardId: string, tx?: TxScope): Promise<CardCredential | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardCredentialEntity, { cardId })) ?? undefined;
  }
}
