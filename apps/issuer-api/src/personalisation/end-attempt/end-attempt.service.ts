import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../trust/auth/principal';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { AttemptsService } from '../attempts.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';

/**
 * An attempt that stops before its card is issued: interrupted (the card was pulled out, the
 * reader failed) leaves the request waiting for that same card; failed (the card cannot carry the
 * profile) ends the request with the reason and spoils the card.
 */
@Injectable()
export class EndAttemptService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  interrupted(requestId: string, workerId: string, reason: string, actor: Actor): Promise<{ state: string; waitsFor: string | null }> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'personalisation.interrupted');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      const r = await this.attempts.interrupt(tx, c.row, reason, c.card.serial);
      await this.attempts.recordStep(
        tx,
        { requestId, batchId: c.row.batchId, cardId: c.card.id, workerId, attempt: c.attempt.attempt, serial: c.card.serial },
        c.attempt.last_step && /^[a-z:0-9-]+$/.test(c.attempt.last_step) ? c.attempt.last_step : 'claim',
        'failed',
        { reason: reason.slice(0, 200), interrupted: true },
      );
      return { state: r.state, waitsFor: c.card.serial };
    });
  }

  failed(requestId: string, workerId: string, reason: string, actor: Actor): Promise<{ state: string }> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'personalisation.failed');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      const r = await this.attempts.fail(tx, c.row, `personalisation failed: ${reason}`, {
        cardId: c.card.id,
        serial: c.card.serial,
        workerId,
      });
      return { state: r.state };
    });
  }

  /** The request waiting for (or being personalised on) the card with this serial, if any. */
  async boundRequest(serial: string): Promise<{ requestId: string; state: string }> {
    const rows = (await this.ds.query(
      `SELECT r.id, r.state FROM card c JOIN issuance_request r ON r.card_id = c.id
        WHERE c.serial = $1 AND c.state = 'personalising' AND r.state IN ('awaiting-card', 'personalising', 'verifying')`,
      [serial],
    )) as Array<{ id: string; state: string }>;
    if (!rows[0]) throw new PersonalisationError(PersonalisationErrorCode.NotFound, `no request waits for card ${serial}`, { serial });
    return { requestId: rows[0].id, state: rows[0].state };
  }
}
