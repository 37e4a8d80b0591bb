import { Injectable } from '@nestjs/common';
import { ISSUANCE_CHANNEL, parseNotification } from '../../issuance/requests/pg-request.repository';
import { PgNotifications } from '../../platform/infra/pg-notifications.repository';
import { PERSONALISATION_CHANNEL, parseStepNotification } from '../attempts/pg-personalisation.repository';
import type { ProgressEvent, ProgressEventsRepository } from './progress-events.repository';

/** The progress events PostgreSQL announces on the request and the personalisation channels. */
@Injectable()
export class PgProgressEventsRepository implements ProgressEventsRepository {
  constructor(private readonly notifications: PgNotifications) {}

  async subscribe(fn: (e: ProgressEvent) => void): Promise<() => void> {
    const steps = await this.notifications.subscribe(PERSONALISATION_CHANNEL, (payload) => {
      try {
        fn(parseStepNotification(payload));
      } catch {
        /* a malformed notification is not ours */
      }
    });
    try {
      const requests = await this.notifications.subscribe(ISSUANCE_CHANNEL, (payload) => {
        for (const e of parseNotification(payload)) fn(e);
      });
      return () => {
        steps();
        requests();
      };
    } catch (e) {
      steps();
      throw e;
    }
  }

  onReset(fn: () => void): () => void {
    return this.notifications.onReset(fn);
  }
}
