import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses a request whose URL (path or query) or parsed body holds a NUL character, with a 400.
 * PostgreSQL does not store U+0000 in text and fails the query ("invalid byte sequence"), so a
 * `%00` in a path parameter or a filter, or "\u0000" in a body field, reached the database and was
 * a 500 (found by fuzzing: fuzz/corpus/api-routes). No field of the API has a use for it.
 * Runs after the body parsers; JSON bodies are at most MAX_JSON_DEPTH deep by then (json-body.ts).
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/.test(req.originalUrl ?? req.url) || holdsNul(req.body as unknown)) {
    next(Object.assign(new Error('the request holds a NUL character'), { status: 400, expose: true, type: 'request.nul-character' }));
    return;
  }
  next();
}

function holdsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (v === null || typeof v !== 'object') return false;
  for (const [k, x] of Object.entries(v)) if (k.includes('\u0000') || holdsNul(x)) return true;
  return false;
}
