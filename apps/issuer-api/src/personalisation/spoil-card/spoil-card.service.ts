import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { CardError } from '../../issuance/cards/card-errors';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { AttemptsService, type PersonalisationRow } from '../attempts.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { CardJobsService } from './card-jobs.service';
import { RegenerateEscrowService } from './regenerate-escrow.service';

export interface SpoiledView {
  cardId: string;
  serial: string;
  requestId: string | null;
  /** The new escrowed VSC version whose keys the next card gets. */
  vscVersion: number | null;
  revokedCertificates: string[];
  job: string;
}

/**
 * An officer declares a card spoiled (pulled out mid-personalisation and abandoned): the card never
 * serves again, its request lets go of it, and the request's escrowed keys are regenerated (a new
 * VSC version) before another card can take it — all in one transaction. A card still being
 * written to is refused: pull it first, or wait until the request shows it waiting for its card.
 */
@Injectable()
export class SpoilCardService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly cards: CardLifecycleService,
    @Inject(CARD_REPOSITORY) private readonly cardRepo: CardRepository,
    private readonly attempts: AttemptsService,
    private readonly regenerate: RegenerateEscrowService,
    private readonly jobs: CardJobsService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async spoil(serial: string, reason: string, actor: Actor): Promise<SpoiledView> {
    const view = await this.uow.run(actor, async (tx) => {
      const deny = (e: PersonalisationError) => {
        tx.audit({
          action: 'card.spoiled',
          targetType: 'card',
          targetId: serial.slice(0, 64),
          outcome: 'denied',
          details: { serial, reason: e.code },
        });
        return tx.refuse(e);
      };
      const card = await this.cardRepo.lockBySerial(tx, serial);
      if (!card) return deny(new PersonalisationError(PersonalisationErrorCode.NotFound, `no card with serial ${serial}`, { serial }));
      if (card.state !== 'personalising' && card.state !== 'blank') {
        return deny(
          new PersonalisationError(
            PersonalisationErrorCode.WrongCardState,
            `card ${serial} is ${card.state}; only a card not yet issued can be spoiled`,
            {
              serial,
              state: card.state,
            },
          ),
        );
      }
      let row = card.requestId ? await this.states.lock(tx, card.requestId) : undefined;
      if (row && row.cardId === card.id && (row.state === 'personalising' || row.state === 'verifying')) {
        const p = ((await tx.em.query(`SELECT * FROM personalisation WHERE request_id = $1`, [row.id])) as PersonalisationRow[])[0];
        const idle = !p || tx.now.getTime() - p.updated_at.getTime() > this.cfg.SCM_PERSONALISATION_STALL_SECONDS * 1000;
        if (!idle) {
          return deny(
            new PersonalisationError(
              PersonalisationErrorCode.CardInUse,
              `card ${serial} is being personalised right now; pull it out first`,
              { serial },
            ),
          );
        }
        row = await this.attempts.interrupt(tx, row, 'card spoiled by an officer', serial);
      }
      const changed = await this.cards.transition(tx, card.id, 'spoiled', { reason: reason.slice(0, 200), requestId: card.requestId });
      if (changed instanceof CardError) return tx.refuse(changed);
      let regenerated: Awaited<ReturnType<RegenerateEscrowService['regenerate']>> | undefined;
      if (row && row.cardId === card.id) {
        await tx.em.query(`UPDATE issuance_request SET card_id = NULL, worker_id = NULL WHERE id = $1`, [row.id]);
        await tx.em.query(`DELETE FROM personalisation WHERE request_id = $1`, [row.id]);
        const vsc = (await tx.em.query(
          `WITH u AS (UPDATE vsc SET state = state - 'binding', updated_at = $2 WHERE request_id = $1 RETURNING id) SELECT id FROM u`,
          [row.id, tx.now],
        )) as Array<{ id: string }>;
        if (vsc[0])
          tx.audit({
            action: 'vsc.unbound',
            targetType: 'vsc',
            targetId: vsc[0].id,
            outcome: 'success',
            details: { requestId: row.id, serial },
          });
        regenerated = await this.regenerate.regenerate(tx, row, `card ${serial} spoiled`);
        tx.audit({
          action: 'personalisation.card-released',
          targetType: 'issuance-request',
          targetId: row.id,
          outcome: 'success',
          details: { serial, cardId: card.id, vscVersion: regenerated.version, revoked: regenerated.revoked },
        });
      }
      return {
        cardId: card.id,
        serial,
        requestId: row?.id ?? null,
        vscVersion: regenerated?.version ?? null,
        revokedCertificates: regenerated?.revoked ?? [],
        job: 'unchanged',
      } satisfies SpoiledView;
    });
    if (view.requestId) view.job = await this.jobs.rearm(view.requestId);
    return view;
  }
}
