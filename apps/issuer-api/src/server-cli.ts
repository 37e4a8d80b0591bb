import 'reflect-metadata';
import { userInfo } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CodedError, createLogger, PinoNestLogger } from '@scm/common';
import { ConfigError } from '@scm/config';
import { AppModule } from './app.module';
import { loadApiConfig } from './platform/config/api-config';
import { statusOf } from './platform/http/error-status';
import { SERVER_OPERATIONS } from './server-operations';

/**
 * Runs one of the API's use cases on the SCM host, for bin/scm's server-side commands (bootstrap
 * of the first admins, enrolment tokens for local workers, sealing an archive volume to a
 * directory of the operator's choice). The request comes as one JSON object on stdin —
 * `{ "operation", "args", "operator" }`, so secrets never appear in a process list — and the answer
 * goes to stdout as one JSON line: `{ "ok": true, "result" }` or `{ "ok": false, "error": { code,
 * status, message, meta } }`. Logs go to stderr. The application starts without its background
 * work (job consumers, periodic work, relay polling): the running API does that.
 */
async function main(): Promise<number> {
  let request: { operation?: unknown; args?: unknown; operator?: unknown };
  try {
    request = JSON.parse(await readStdin()) as typeof request;
  } catch {
    return answer({ ok: false, error: { code: 'api.invalid-request', status: 400, message: 'the request on stdin is not JSON' } });
  }
  const op = typeof request.operation === 'string' ? SERVER_OPERATIONS[request.operation] : undefined;
  if (!op) {
    return answer({
      ok: false,
      error: {
        code: 'api.invalid-request',
        status: 400,
        message: `unknown operation; known: ${Object.keys(SERVER_OPERATIONS).join(', ')}`,
      },
    });
  }
  const cfg = loadApiConfig();
  const log = createLogger({ name: 'issuer-api-host', level: cfg.SCM_LOG_LEVEL, console: 'stderr' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(cfg, log, { background: false }), {
    logger: new PinoNestLogger(log),
    abortOnError: false,
  });
  const operator = typeof request.operator === 'string' && request.operator ? request.operator : userInfo().username;
  try {
    const result = await op((request.args ?? {}) as Record<string, unknown>, {
      commands: app.get(CommandBus),
      queries: app.get(QueryBus),
      actor: { actor: `cli:${String(request.operation)}`, actorName: operator, role: null, requestId: null },
    });
    return answer({ ok: true, result });
  } catch (e) {
    if (e instanceof CodedError) {
      return answer({ ok: false, error: { code: e.code, status: statusOf(e.code) ?? 500, message: e.message, meta: e.meta } });
    }
    log.error({ err: e, operation: request.operation }, 'server operation failed');
    return answer({ ok: false, error: { code: 'internal', status: 500, message: 'internal error; see the log on stderr' } });
  } finally {
    await app.close();
  }
}

function answer(a: { ok: boolean; [k: string]: unknown }): number {
  process.stdout.write(`${JSON.stringify(a)}\n`);
  return a.ok ? 0 : 1;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (s += d));
    process.stdin.on('end', () => resolve(s));
    process.stdin.on('error', reject);
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof ConfigError ? e.message : `failed: ${e instanceof Error ? e.message : String(e)}`;
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'internal', status: 500, message } })}\n`);
    process.exit(e instanceof ConfigError ? 78 : 1);
  },
);
