import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { CodedError } from '@scm/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../infra/tokens';
import { statusOf } from './error-status';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const INTERNAL: Problem = {
  type: 'urn:scm:problem:internal',
  title: TITLES[500],
  status: 500,
  detail: 'internal error; see the server log with this request id',
  code: 'internal',
};

/** Maps every error to an application/problem+json body (RFC 9457); nothing internal leaks out. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    let problem: Problem;
    try {
      problem = this.toProblem(err);
    } catch (e) {
      // A filter that throws sends nothing: answer as an internal error whatever went wrong here.
      this.log.error({ err: e, cause: err, reqId: req.id }, 'problem filter failed');
      problem = { ...INTERNAL };
    }
    problem.instance = req.id;
    const route = `${req.method} ${req.originalUrl?.split('?')[0] ?? req.url}`;
    if (problem.status >= 500) {
      const unmapped = err instanceof CodedError && problem.code === INTERNAL.code ? { unmappedCode: err.code } : {};
      this.log.error({ err, reqId: req.id, route, code: problem.code, ...unmapped }, 'request failed');
    } else this.log.debug({ reqId: req.id, route, code: problem.code }, problem.detail ?? problem.title);
    if (res.headersSent) return;
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(err: unknown): Problem {
    if (err instanceof CodedError) {
      const status = statusOf(err.code);
      // A code no table knows is a bug: an internal error (logged with the code), never a guess.
      if (status === undefined) return { ...INTERNAL };
      // Safe metadata first: it never overrides the problem's own members.
      return {
        ...err.meta,
        type: `urn:scm:problem:${err.code}`,
        title: TITLES[status] ?? 'Error',
        status,
        detail: err.message,
        code: err.code,
      };
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      const detail =
        typeof body === 'object' && body !== null && 'message' in body
          ? ([] as unknown[]).concat((body as { message: unknown }).message).join('; ')
          : err.message;
      const code = status === 400 ? 'api.invalid-request' : status === 404 ? 'api.not-found' : `http.${status}`;
      return { type: `urn:scm:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
    }
    // body-parser and other express middleware raise http-errors with an expose flag.
    const he = err as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
    if (typeof he.status === 'number' && he.status >= 400 && he.status < 500 && he.expose === true) {
      const code =
        he.type === 'entity.too.large' ? 'http.413' : he.type === 'entity.parse.failed' ? 'api.invalid-request' : `http.${he.status}`;
      const detail = he.type === 'entity.too.large' ? 'the request body is larger than this server accepts' : String(he.message);
      return { type: `urn:scm:problem:${code}`, title: TITLES[he.status] ?? 'Error', status: he.status, detail, code };
    }
    return { ...INTERNAL };
  }
}
