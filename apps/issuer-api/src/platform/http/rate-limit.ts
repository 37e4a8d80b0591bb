import type { NextFunction, Request, Response } from 'express';
import { canonicalPath } from './canonical-path';

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateRule {
  /** Requests allowed per minute (the bucket refills continuously). */
  perMinute: number;
  /** Burst above the steady rate. */
  burst: number;
}

/**
 * Per-address token buckets, in this process's memory (Redis holds queues only). Tighter rules
 * for the doors that check a secret — login, re-authentication, password change, and the worker
 * enrolment and challenge routes — matched on the canonical path of the request.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweep = Date.now();

  constructor(
    private readonly general: RateRule,
    private readonly sensitive: RateRule,
    private readonly sensitivePaths: readonly RegExp[] = [
      /^\/api\/v1\/auth\/(login|reauth)$/,
      /^\/api\/v1\/users\/me\/password$/,
      /^\/api\/v1\/workers\/(register|challenge|session)$/,
    ],
  ) {}

  /** true when allowed; otherwise the seconds to wait. */
  take(key: string, rule: RateRule, now = Date.now()): true | number {
    const b = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    b.tokens = Math.min(rule.burst, b.tokens + ((now - b.at) / 60_000) * rule.perMinute);
    b.at = now;
    this.buckets.set(key, b);
    if (now - this.sweep > 60_000) this.gc(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return Math.ceil(((1 - b.tokens) / rule.perMinute) * 60);
  }

  private gc(now: number): void {
    this.sweep = now;
    for (const [k, b] of this.buckets) if (now - b.at > 10 * 60_000) this.buckets.delete(k);
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const addr = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      // Matched on the canonical path: `/api/v1/Auth/Login/` is the login door too.
      const path = canonicalPath(req.path);
      const sensitive = req.method.toUpperCase() === 'POST' && this.sensitivePaths.some((p) => p.test(path));
      const verdict = this.take(`${sensitive ? 's' : 'g'}:${addr}`, sensitive ? this.sensitive : this.general);
      if (verdict === true) return next();
      res.setHeader('Retry-After', String(verdict));
      res
        .status(429)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'urn:scm:problem:http.429',
            title: 'Too Many Requests',
            status: 429,
            code: 'http.429',
            detail: `too many requests from this address; retry in ${verdict} s`,
          }),
        );
    };
  }
}
