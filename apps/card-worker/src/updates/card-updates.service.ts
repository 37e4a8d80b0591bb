import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { ReaderAccessService } from '../personalisation/reader-access.service';
import { WORKER_LOGGER } from '../worker-config';
import { CardUpdatesClient } from './card-updates.client';
import { type CardUpdateOutcome, CardUpdater } from './card-updater';

/**
 * Card updates at this workstation: an issued card put into a reader is offered to the API, which
 * answers with the update to run now (a pending or interrupted one) or what waits for an officer's
 * approval (logged, so the workstation says the card's renewal is pending).
 */
@Injectable()
export class CardUpdatesService {
  private readonly updater: CardUpdater;
  /** Outcomes by update (last one per update), for tests and the console. */
  readonly outcomes = new Map<string, CardUpdateOutcome['kind']>();

  constructor(
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    private readonly api: CardUpdatesClient,
    private readonly access: ReaderAccessService,
    enrolment: EnrolmentService,
  ) {
    this.updater = new CardUpdater({
      api,
      get workerId() {
        return api.workerId;
      },
      kexKey: enrolment.identity.kexKey,
      apiKey: () => enrolment.apiPackageKey(),
      progress: (updateId, what, details) => this.log.info({ updateId, step: what, ...details }, 'card update progress'),
    });
  }

  /**
   * Offers an issued card (serial and CHUID GUID) in `reader` to the API and runs its update, if
   * any; `current()` says whether the card is still the one inspected. Returns the outcome, or
   * undefined when nothing was to be done.
   */
  async offer(reader: string, card: { serial: string; guid?: string }, current: () => boolean): Promise<CardUpdateOutcome | undefined> {
    const offer = await this.api.offer({ serial: card.serial, ...(card.guid ? { guid: card.guid } : {}) });
    for (const w of offer.waiting)
      this.log.info(
        { reader, serial: card.serial, updateId: w.id, kind: w.kind, state: w.state, reason: w.reason },
        'card update pending: awaits an officer’s approval',
      );
    const plan = offer.update;
    if (!plan || !current()) return undefined;
    this.log.info({ reader, serial: card.serial, updateId: plan.updateId, kind: plan.kind, attempt: plan.attempt }, 'card update starting');
    const t0 = Date.now();
    const outcome = await this.access.use(reader, async ({ session }) => {
      const id = await session.identity();
      if (String(id.serial) !== card.serial) {
        await this.api.stop(plan.updateId, 'interrupted', 'another card is in the reader').catch(() => undefined);
        return { kind: 'interrupted', updateId: plan.updateId, reason: 'another card is in the reader' } as const;
      }
      return this.updater.run(session, plan);
    });
    this.outcomes.set(plan.updateId, outcome.kind);
    this.log.info(
      {
        reader,
        serial: card.serial,
        updateId: plan.updateId,
        outcome: outcome.kind,
        ms: Date.now() - t0,
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
      },
      'card update ended',
    );
    return outcome;
  }
}
