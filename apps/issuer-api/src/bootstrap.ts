import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createLogger, PinoNestLogger } from '@scm/common';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './platform/config/api-config';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { httpLogging } from './platform/http/http-logging';
import { reviveJsonBody } from './platform/http/json-body';
import { refuseNulCharacters } from './platform/http/nul-characters';
import { RateLimiter } from './platform/http/rate-limit';
import { securityHeaders } from './platform/http/security-headers';
import { consoleStatic } from './platform/http/console-static';
import { ProblemFilter } from './platform/http/problem.filter';

export interface ApiApp {
  app: INestApplication;
  logger: Logger;
}

/** Builds the issuer API (not yet listening) from a validated configuration. */
export async function createApiApp(cfg: ApiConfig, logger?: Logger): Promise<ApiApp> {
  const log = logger ?? createLogger({ name: 'issuer-api', level: cfg.SCM_LOG_LEVEL, file: cfg.SCM_LOG_FILE || undefined });
  // Routing is case-sensitive and strict before any route exists: `/api/v1/Workers/session` or
  // `/api/v1/auth/reauth/` reach no handler, so no variant of a path slips past a rule written for it.
  // (Set on the instance before the adapter exists: the adapter's constructor already makes the router.)
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  const adapter = new ExpressAdapter(server);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg, log), adapter, {
    logger: new PinoNestLogger(log),
    bodyParser: false,
    abortOnError: false,
  });
  if (cfg.SCM_TRUST_PROXY) app.set('trust proxy', cfg.SCM_TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(httpLogging(log));
  app.use(securityHeaders({ hsts: cfg.SCM_PUBLIC_URL.startsWith('https:') }));
  // CORS stays off unless origins are configured: the API serves the CLI, workers and scripts.
  const origins = cfg.SCM_CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length) {
    app.enableCors({
      origin: origins,
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    });
  }
  const general = cfg.SCM_RATE_LIMIT_PER_MINUTE;
  const login = cfg.SCM_RATE_LIMIT_LOGIN_PER_MINUTE;
  app.use(
    new RateLimiter(
      { perMinute: general, burst: Math.max(20, general / 6) },
      { perMinute: login, burst: Math.max(5, login / 3) },
    ).middleware(),
  );
  // The console (dist/console), at `/`, outside the API's paths.
  app.use(consoleStatic());
  app.useBodyParser('json', { limit: cfg.SCM_BODY_LIMIT, reviver: reviveJsonBody });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  app.use(refuseNulCharacters);
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
