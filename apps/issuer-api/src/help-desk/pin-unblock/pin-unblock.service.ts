import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { PinUnblockError, PinUnblockErrorCode } from './pin-unblock-errors';

export interface PinUnblockView {
  id: string;
  purpose: 'unblock';
  cardId: string;
  serial: string;
  workstation: number;
  state: string;
  identityCheck: string;
  startedBy: string;
  expiresAt: string;
}

const E = PinUnblockErrorCode;

/**
 * PIN unblock at a workstation: after an identity check the help desk opens an unblock session
 * for an active card at one workstation. It is an activation session with another purpose, so the
 * card worker's activation machinery does the rest: the cardholder types the new PIN at that
 * workstation (`scm unblock pin`), the worker fetches the card's escrowed PUK wrapped for itself
 * and sets the PIN with RESET RETRY COUNTER; the PUK is never shown and the PIN never reaches the
 * API. The card stays active; the outcome is audited (`card.pin-unblocked`).
 */
@Injectable()
export class PinUnblockService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  start(input: { card: string; workstation: number; identityCheck: string }, actor: Actor): Promise<PinUnblockView> {
    return this.uow.run(actor, async (tx) => {
      const deny = (e: PinUnblockError, cardId?: string) => {
        tx.audit({
          action: 'card.pin-unblock-started',
          targetType: 'card',
          targetId: cardId ?? input.card.slice(0, 64),
          outcome: 'denied',
          details: { serial: input.card, workstation: input.workstation, refusal: e.code },
        });
        return tx.refuse(e);
      };
      const card = (
        (await tx.em.query(`SELECT id, serial, state FROM card WHERE serial = $1 OR id::text = $1 FOR UPDATE`, [input.card])) as Array<{
          id: string;
          serial: string;
          state: string;
        }>
      )[0];
      if (!card) return deny(new PinUnblockError(E.NotFound, `no card ${input.card}`));
      if (card.state !== 'active')
        return deny(
          new PinUnblockError(
            E.WrongCardState,
            `card ${card.serial} is ${card.state}; only an active card's PIN is unblocked (an issued card is activated)`,
            { cardState: card.state },
          ),
          card.id,
        );
      const cred = (await tx.em.query(`SELECT 1 FROM card_credential WHERE card_id = $1`, [card.id])) as unknown[];
      if (!cred.length) return deny(new PinUnblockError(E.NotFound, `card ${card.serial} has no PUK under the HSM`), card.id);
      // A session left open past its time no longer blocks a new one.
      const stale = (await tx.em.query(
        `WITH u AS (UPDATE activation_session SET state = 'expired', closed_at = $2 WHERE card_id = $1 AND state = 'open' AND expires_at <= $2 RETURNING id) SELECT id FROM u`,
        [card.id, tx.now],
      )) as Array<{ id: string }>;
      for (const s of stale)
        tx.audit({
          action: 'card.activation-expired',
          targetType: 'card',
          targetId: card.id,
          outcome: 'failure',
          details: { sessionId: s.id },
        });
      const open = (await tx.em.query(`SELECT id FROM activation_session WHERE card_id = $1 AND state = 'open'`, [card.id])) as Array<{
        id: string;
      }>;
      if (open[0])
        return deny(
          new PinUnblockError(E.SessionOpen, `a session for card ${card.serial} is already open (${open[0].id})`, {
            sessionId: open[0].id,
          }),
          card.id,
        );
      const id = randomUUID();
      const expires = new Date(tx.now.getTime() + this.cfg.SCM_ACTIVATION_TTL_MINUTES * 60_000);
      await tx.em.query(
        `INSERT INTO activation_session (id, card_id, workstation, identity_check, state, started_by, created_at, expires_at, purpose) VALUES ($1,$2,$3,$4,'open',$5,$6,$7,'unblock')`,
        [id, card.id, input.workstation, input.identityCheck, tx.actor.actor, tx.now, expires],
      );
      tx.audit({
        action: 'card.pin-unblock-started',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { sessionId: id, serial: card.serial, workstation: input.workstation, identityCheck: input.identityCheck },
      });
      return {
        id,
        purpose: 'unblock',
        cardId: card.id,
        serial: card.serial,
        workstation: input.workstation,
        state: 'open',
        identityCheck: input.identityCheck,
        startedBy: tx.actor.actor,
        expiresAt: expires.toISOString(),
      };
    });
  }
}
