import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CardUpdateKind, CardUpdateOrigin } from '@scm/db';
import type { Tx } from '../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdate, type CardUpdateRepository } from './card-update.repository';

export interface NewCardUpdate {
  cardId: string;
  kind: CardUpdateKind;
  origin: CardUpdateOrigin;
  state: 'pending' | 'awaiting-approval';
  reason: string;
  slot?: string;
  objectTag?: string;
  objectValue?: Buffer;
  details?: Record<string, unknown>;
}

/** Queues a card update in the caller's transaction (one open update per card: the caller checks), audited `card-update.queued`. */
@Injectable()
export class CardUpdateQueue {
  constructor(@Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository) {}

  async queue(tx: Tx, n: NewCardUpdate): Promise<CardUpdate> {
    const u: CardUpdate = {
      id: randomUUID(),
      cardId: n.cardId,
      kind: n.kind,
      slot: n.slot ?? null,
      objectTag: n.objectTag ?? null,
      objectValue: n.objectValue ?? null,
      state: n.state,
      origin: n.origin,
      reason: n.reason.slice(0, 500),
      requestedBy: tx.actor.actor,
      approvedBy: null,
      workerId: null,
      attempt: 0,
      vscVersion: null,
      prepared: null,
      proofNonce: null,
      failure: null,
      createdAt: tx.now,
      updatedAt: tx.now,
      finishedAt: null,
    };
    await this.updates.insert(tx, u);
    tx.audit({
      action: 'card-update.queued',
      targetType: 'card-update',
      targetId: u.id,
      outcome: 'success',
      details: {
        cardId: n.cardId,
        kind: n.kind,
        origin: n.origin,
        state: n.state,
        slot: u.slot,
        objectTag: u.objectTag,
        reason: u.reason,
        ...n.details,
      },
    });
    return u;
  }
}
