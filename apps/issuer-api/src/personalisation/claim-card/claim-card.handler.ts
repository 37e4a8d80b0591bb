import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { IssuanceError } from '../../issuance/requests/issuance-errors';
import { isTerminal } from '../../issuance/requests/request-state';
import { RequestStateMachine, type IssuanceRequest } from '../../issuance/requests/request-state-machine';
import { CARD_REPOSITORY, type Card, type CardRepository } from '../../issuance/cards/card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { AttemptsService, type PersonalisationRow } from '../attempts.service';
import { CardSecretsService } from '../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { ClaimCardCommand, type ClaimView } from './claim-card.command';

/** The stock every card starts from until stock batches are registered: the factory transport key. */
export const DEFAULT_STOCK_BATCH = 'factory-default';

const E = PersonalisationErrorCode;

/**
 * Binds a card to a request, or lets the worker resume on the card already bound to it. Refuses,
 * before anything is written to the card: a card bound to another request or issued (invariant 5:
 * never overwritten), a card whose CHUID names another identity, and any card but the bound one
 * once a request has a card (one request, at most one card). A new binding registers the card
 * (personalising), records the binding on the VSC and seals the card's PUK under the HSM.
 */
@CommandHandler(ClaimCardCommand)
export class ClaimCardHandler implements ICommandHandler<ClaimCardCommand, ClaimView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly cards: CardLifecycleService,
    @Inject(CARD_REPOSITORY) private readonly cardRepo: CardRepository,
    private readonly attempts: AttemptsService,
    private readonly vscs: VscEscrowService,
    private readonly secrets: CardSecretsService,
  ) {}

  execute(c: ClaimCardCommand): Promise<ClaimView> {
    return this.uow.run(c.actor, async (tx) => {
      const refuse = (e: PersonalisationError) => {
        tx.audit({
          action: 'personalisation.claim',
          targetType: 'issuance-request',
          targetId: c.requestId,
          outcome: 'denied',
          details: { workerId: c.workerId, serial: c.card.serial, reason: e.code },
        });
        return tx.refuse(e);
      };
      const worker = (await tx.em.query(`SELECT status FROM card_worker WHERE id = $1`, [c.workerId])) as Array<{ status: string }>;
      if (worker[0]?.status !== 'approved') return refuse(new PersonalisationError(E.NotClaimant, `worker ${c.workerId} is not approved`));
      const row = await this.states.lock(tx, c.requestId);
      if (!row) return refuse(new PersonalisationError(E.NotFound, `no issuance request ${c.requestId}`, { requestId: c.requestId }));
      if (isTerminal(row.state)) {
        await this.attempts.markJobDone(tx, row.id);
        return refuse(
          new PersonalisationError(E.RequestClosed, `request ${row.id} is ${row.state}`, { requestId: row.id, state: row.state }),
        );
      }
      if (!['awaiting-card', 'personalising', 'verifying'].includes(row.state)) {
        return refuse(
          new PersonalisationError(E.NotReady, `request ${row.id} is ${row.state}: its escrow is not committed yet`, { state: row.state }),
        );
      }

      const card = await this.cardRepo.lockBySerial(tx, c.card.serial);
      if (card && card.requestId !== row.id) {
        return refuse(
          new PersonalisationError(E.CardTaken, `card ${c.card.serial} belongs to another request (${card.state})`, {
            serial: c.card.serial,
            cardState: card.state,
          }),
        );
      }
      if (card?.state === 'spoiled')
        return refuse(new PersonalisationError(E.CardSpoiled, `card ${c.card.serial} was declared spoiled`, { serial: c.card.serial }));
      if (c.card.guid) {
        const v = (await tx.em.query(`SELECT request_id FROM vsc WHERE id = $1`, [c.card.guid])) as Array<{ request_id: string | null }>;
        if (v[0]?.request_id !== row.id) {
          return refuse(
            new PersonalisationError(E.CardNotBlank, `card ${c.card.serial} carries the identity ${c.card.guid}, not this request's`, {
              serial: c.card.serial,
            }),
          );
        }
      }
      if (row.cardId) {
        const bound = ((await tx.em.query(`SELECT serial FROM card WHERE id = $1`, [row.cardId])) as Array<{ serial: string | null }>)[0];
        if (bound?.serial !== c.card.serial) {
          return refuse(
            new PersonalisationError(E.WaitsForAnotherCard, `request ${row.id} waits for card ${bound?.serial}`, {
              serial: bound?.serial ?? null,
            }),
          );
        }
      } else if (card) {
        return refuse(
          new PersonalisationError(E.CardTaken, `card ${c.card.serial} is registered but not bound to request ${row.id}`, {
            serial: c.card.serial,
          }),
        );
      }

      const vsc = (await tx.em.query(`SELECT id FROM vsc WHERE request_id = $1`, [row.id])) as Array<{ id: string }>;
      if (!vsc[0]) throw new PersonalisationError(E.NotReady, `request ${row.id} has no VSC`);
      const resumed = !!row.cardId;
      const bound = resumed ? card! : await this.bindNewCard(tx, row, vsc[0].id, c);
      let current = row;
      if (row.workerId !== c.workerId) {
        await tx.em.query(`UPDATE issuance_request SET worker_id = $2 WHERE id = $1`, [row.id, c.workerId]);
        if (resumed) {
          tx.audit({
            action: 'personalisation.taken-over',
            targetType: 'issuance-request',
            targetId: row.id,
            outcome: 'success',
            details: { from: row.workerId, to: c.workerId, serial: c.card.serial },
          });
        }
        current = { ...row, workerId: c.workerId };
      }
      if (current.state === 'awaiting-card') {
        const r = await this.states.transition(tx, current, 'personalising', {
          details: { cardId: bound.id, serial: c.card.serial, workerId: c.workerId, resumed },
        });
        if (r instanceof IssuanceError) throw r;
        current = r;
      }
      const attempt = await this.nextAttempt(tx, row.id, bound.id, c.workerId);
      const stepsDone = (await tx.em.query(
        `SELECT DISTINCT step FROM personalisation_step WHERE request_id = $1 AND card_id = $2 AND outcome = 'done'`,
        [row.id, bound.id],
      )) as Array<{ step: string }>;
      await this.attempts.recordStep(
        tx,
        {
          requestId: row.id,
          batchId: row.batchId,
          cardId: bound.id,
          workerId: c.workerId,
          attempt: attempt.attempt,
          serial: c.card.serial,
        },
        'claim',
        'done',
        { resumed },
      );
      tx.audit({
        action: 'personalisation.claimed',
        targetType: 'issuance-request',
        targetId: row.id,
        outcome: 'success',
        details: { cardId: bound.id, serial: c.card.serial, workerId: c.workerId, attempt: attempt.attempt, resumed },
      });
      return {
        requestId: row.id,
        cardId: bound.id,
        serial: c.card.serial,
        attempt: attempt.attempt,
        resumed,
        state: current.state,
        managementKey: attempt.management_key,
        transportBatch: bound.stockBatch ?? DEFAULT_STOCK_BATCH,
        stepsDone: stepsDone.map((s) => s.step).sort(),
        vscId: vsc[0].id,
      } satisfies ClaimView;
    });
  }

  /** Registers the card, binds request and VSC to it, and seals its PUK under the HSM. */
  private async bindNewCard(tx: Tx, row: IssuanceRequest, vscId: string, c: ClaimCardCommand): Promise<Card> {
    const registered = await this.cards.register(tx, {
      id: randomUUID(),
      serial: c.card.serial,
      atr: Buffer.from(c.card.atr, 'hex'),
      state: 'personalising',
      stockBatch: DEFAULT_STOCK_BATCH,
      requestId: row.id,
      cardholderId: row.cardholderId,
      vscId,
    });
    await tx.em.query(`UPDATE issuance_request SET card_id = $2, worker_id = $3 WHERE id = $1`, [row.id, registered.id, c.workerId]);
    await tx.em.query(`UPDATE vsc SET state = jsonb_set(state, '{binding}', $2::jsonb), updated_at = $3 WHERE id = $1`, [
      vscId,
      JSON.stringify({ serial: c.card.serial, atr: c.card.atr.toLowerCase() }),
      tx.now,
    ]);
    tx.audit({
      action: 'vsc.bound',
      targetType: 'vsc',
      targetId: vscId,
      outcome: 'success',
      details: { serial: c.card.serial, cardId: registered.id },
    });
    // Invariant 1: the PUK (like every key) comes from an escrowed version only.
    const vsc = await this.vscs.openForRecovery(vscId, { escrowedOnly: true, tx });
    let puk: Buffer | undefined;
    try {
      puk = vsc.cardCredentials().puk;
      if (!puk) throw new PersonalisationError(E.NotReady, `VSC ${vscId} holds no PUK for its card`);
      const sealed = await this.secrets.sealPuk(puk, registered.id);
      await tx.em.query(`INSERT INTO card_credential (card_id, puk_sealed, puk_key, created_at) VALUES ($1,$2,$3,$4)`, [
        registered.id,
        sealed,
        this.secrets.pukKeyLabel,
        tx.now,
      ]);
    } finally {
      puk?.fill(0);
      vsc.close();
    }
    return { ...registered, stockBatch: DEFAULT_STOCK_BATCH };
  }

  /** The next attempt on the request; a new card starts again from the transport key. */
  private async nextAttempt(tx: Tx, requestId: string, cardId: string, workerId: string): Promise<PersonalisationRow> {
    const rows = (await tx.em.query(
      `INSERT INTO personalisation (request_id, card_id, worker_id, attempt, management_key, started_at, updated_at)
       VALUES ($1, $2, $3, 1, 'transport', $4, $4)
       ON CONFLICT (request_id) DO UPDATE SET
         attempt = personalisation.attempt + 1,
         management_key = CASE WHEN personalisation.card_id = EXCLUDED.card_id THEN personalisation.management_key ELSE 'transport' END,
         card_id = EXCLUDED.card_id, worker_id = EXCLUDED.worker_id, steps_total = NULL, steps_done = 0, last_step = NULL,
         proof_nonce = NULL, decrypt_check = NULL, started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [requestId, cardId, workerId, tx.now],
    )) as PersonalisationRow[];
    return rows[0];
  }
}
