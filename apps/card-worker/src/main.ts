import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoNestLogger } from '@scm/common';
import { ConfigError } from '@scm/config';
import { loadWorkerConfig } from './worker-config';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadWorkerConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`card-worker: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const log = createLogger({ name: 'card-worker', level: cfg.SCM_LOG_LEVEL, file: cfg.SCM_LOG_FILE || undefined }).child({
    workstation: cfg.SCM_WORKSTATION,
  });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(cfg, log), { logger: new PinoNestLogger(log) });
  app.enableShutdownHooks();
  log.info({ socket: process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm', api: cfg.SCM_API_URL }, 'card-worker started');
}

main().catch((e: unknown) => {
  process.stderr.write(`card-worker: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
