import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Routes Nest's own logging into the process's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly out: Logger) {}

  log(message: unknown, context?: string): void {
    this.log_('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.out.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.log_('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.log_('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.log_('trace', message, context);
  }

  private log_(level: 'info' | 'warn' | 'debug' | 'trace', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.out[level]({ context, ...message });
    else this.out[level]({ context }, String(message));
  }
}
