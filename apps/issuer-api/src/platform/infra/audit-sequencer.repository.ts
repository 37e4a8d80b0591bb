import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditSequencer } from '@scm/audit';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { BACKGROUND_WORK, DATA_SOURCE, LOGGER } from './tokens';

/** How often the API also chains on its own: events whose writer stopped between its commit and its pass. */
export const AUDIT_POLL_MS = 1000;
/**
 * How long a kick waits for other commits to share its pass (after the pass under way, if any).
 * Passes then come at most ~9 a second under load (there were 17 a second, 7 per card, at 8 readers),
 * and an event is chained within about 100 ms of its commit; readers settle first, so none waits.
 */
export const AUDIT_LINGER_MS = 100;

/**
 * The API's audit sequencer (libs/audit): the unit of work asks it for a pass after every commit
 * that recorded events, and a process that runs background work also polls. Two API processes on
 * one database each run one; the chain lock lets one chain at a time.
 */
@Injectable()
export class ApiAuditSequencer extends AuditSequencer implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(LOGGER) log: Pick<Logger, 'warn'>,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {
    super((fn) => ds.transaction((em) => fn(em)), {
      lingerMs: AUDIT_LINGER_MS,
      onError: (e) => log.warn({ err: (e as Error).message }, 'audit events not chained yet (the next pass retries)'),
    });
  }

  onModuleInit(): void {
    if (this.background) this.poll(AUDIT_POLL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
