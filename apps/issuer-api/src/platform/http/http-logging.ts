import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { httpDuration, httpRequests } from '../metrics/metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Request ids (X-Request-Id, echoed back), one JSON access-log line per request, HTTP metrics. */
export function httpLogging(logger: Logger) {
  const http = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : res.statusCode >= 400 ? 'info' : 'debug'),
    serializers: {
      req: (r: { id: string; method: string; url: string }) => ({ id: r.id, method: r.method, url: r.url }),
      res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path
        ? `${req.baseUrl}${(req.route as { path: string }).path}`
        : 'unmatched';
      end({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    http(req, res, next);
  };
}
