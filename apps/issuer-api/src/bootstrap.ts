import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createLogger, PinoNestLogger } from '@scm/common';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';
import { httpLogging } from './http/http-logging';
import { ProblemFilter } from './http/problem.filter';

export interface ApiApp {
  app: INestApplication;
  logger: Logger;
}

/** Builds the issuer API (not yet listening) from a validated configuration. */
export async function createApiApp(cfg: ApiConfig, logger?: Logger): Promise<ApiApp> {
  const log = logger ?? createLogger({ name: 'issuer-api', level: cfg.SCM_LOG_LEVEL, file: cfg.SCM_LOG_FILE || undefined });
  const app = await NestFactory.create(AppModule.forRoot(cfg, log), {
    logger: new PinoNestLogger(log),
    bodyParser: true,
    abortOnError: false,
  });
  app.use(httpLogging(log));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ProblemFilter(log));
  app.enableShutdownHooks();
  if (cfg.SCM_OPENAPI) {
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('SCM issuer API')
        .setDescription('Smart Card Manager: issuance, escrow, recovery and audit')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
  }
  return { app, logger: log };
}
