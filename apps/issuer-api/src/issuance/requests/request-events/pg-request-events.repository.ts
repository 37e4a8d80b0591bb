import { Injectable } from '@nestjs/common';
import { PgNotifications } from '../../../platform/infra/pg-notifications.repository';
import { ISSUANCE_CHANNEL, parseNotification } from '../pg-request.repository';
import type { RequestEvent } from '../request.repository';
import type { RequestEventsRepository } from './request-events.repository';

/** Committed request changes, as PostgreSQL announces them on ISSUANCE_CHANNEL. */
@Injectable()
export class PgRequestEventsRepository implements RequestEventsRepository {
  constructor(private readonly notifications: PgNotifications) {}

  subscribe(fn: (e: RequestEvent) => void): Promise<() => void> {
    return this.notifications.subscribe(ISSUANCE_CHANNEL, (payload) => {
      for (const e of parseNotification(payload)) fn(e);
    });
  }

  onReset(fn: () => void): () => void {
    return this.notifications.onReset(fn);
  }
}
