import { Inject, Injectable } from '@nestjs/common';
import type { ActivationView } from '@scm/personalisation';
import { CARD_REPOSITORY, type Card, type CardRepository } from '../../issuance/cards/card.repository';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import type { Refusal, Tx, TxScope } from '../../platform/infra/unit-of-work';
import type { CallingWorker } from '../worker-principal';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSession, type ActivationSessionRepository } from './activation-session.repository';
import { activationView, servingProblem } from './activation-rules';
export type { ActivationState, ActivationView } from '@scm/personalisation';

/** A session a worker may serve, locked, with its card. */
export interface ServedSession {
  session: ActivationSession;
  card: Card;
}

/**
 * Activation sessions, inside the caller's transaction: sessions whose time is up are closed, a
 * session is shown with its card, and a worker gets the session it serves or an audited refusal.
 */
@Injectable()
export class ActivationService {
  constructor(
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
  ) {}

  /** Closes the open sessions whose time is up, each audited as card.activation-expired. */
  async expireOld(tx: Tx): Promise<void> {
    for (const e of await this.sessions.expire(tx)) {
      tx.audit({
        action: 'card.activation-expired',
        targetType: 'card',
        targetId: e.cardId,
        outcome: 'failure',
        details: { sessionId: e.id },
      });
    }
  }

  /** The issuance request that made this card (undefined for a card without one). */
  async requestOf(card: Card, tx: TxScope): Promise<IssuanceRequest | undefined> {
    return card.requestId ? this.requests.get(card.requestId, tx) : undefined;
  }

  /** The session as callers see it (its card given when the caller has it). */
  async view(session: ActivationSession, tx?: TxScope, card?: Card): Promise<ActivationView> {
    const c = card ?? (await this.cards.get(session.cardId, tx));
    if (!c) throw new Error(`activation session ${session.id} names no card`);
    const request = c.requestId ? await this.requests.get(c.requestId, tx) : undefined;
    return activationView(session, c, request);
  }

  /** The session `worker` serves, locked, with its card; or the refusal, audited as denied under `action`. */
  async served(tx: Tx, id: string, worker: CallingWorker, action: string): Promise<ServedSession | Refusal> {
    const session = await this.sessions.lock(tx, id);
    const card = session && (await this.cards.get(session.cardId, tx));
    const problem = servingProblem(id, session, card, worker, tx.now);
    if (problem) {
      return tx.deny(problem, {
        action,
        targetType: 'card',
        targetId: session?.cardId ?? id,
        details: { sessionId: id, workerId: worker.id, reason: problem.code },
      });
    }
    return { session: session!, card: card! };
  }
}
