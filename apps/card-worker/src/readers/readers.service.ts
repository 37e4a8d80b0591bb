import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReaderMonitor } from '@scm/pcsc';
import type { Logger } from 'pino';
import { WORKER_LOGGER } from '../worker-config';

/** This workstation's readers, followed as they and their cards come and go. */
@Injectable()
export class ReadersService implements OnModuleInit, OnModuleDestroy {
  readonly monitor = new ReaderMonitor();

  constructor(@Inject(WORKER_LOGGER) private readonly log: Logger) {}

  onModuleInit(): void {
    const m = this.monitor;
    m.on('reader-added', (r) => this.log.info({ reader: r.name }, 'reader added'));
    m.on('reader-removed', (name) => this.log.info({ reader: name }, 'reader removed'));
    m.on('card-inserted', (r) => this.log.info({ reader: r.name, atr: r.atr }, 'card inserted'));
    m.on('card-removed', (r) => this.log.info({ reader: r.name }, 'card removed'));
    m.on('error', (e) => this.log.warn({ code: e.code, err: e.message }, 'PC/SC error'));
    m.start();
  }

  onModuleDestroy(): void {
    this.monitor.close();
  }
}
