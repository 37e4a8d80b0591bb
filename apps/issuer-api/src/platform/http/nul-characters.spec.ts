import type { Request, Response } from 'express';
import { refuseNulCharacters } from './nul-characters';

/** The error the middleware passes on (undefined: the request goes through). */
function verdict(req: Partial<Request>): { status?: number; expose?: boolean } | undefined {
  let out: unknown = 'not called';
  refuseNulCharacters(req as Request, {} as Response, (e?: unknown) => {
    out = e;
  });
  return out as { status?: number } | undefined;
}

describe('refuseNulCharacters (fuzz/corpus/api-routes)', () => {
  it.each([
    ['a path parameter', { originalUrl: '/api/v1/stock/batches/%00' }],
    ['a query value', { originalUrl: '/api/v1/audit/events?actor=%00' }],
    ['a JSON field', { originalUrl: '/api/v1/issuance-requests', body: { cardholder: '\u0000' } }],
    ['a nested field', { originalUrl: '/x', body: { cards: [{ serial: 'a\u0000b' }] } }],
    ['a key', { originalUrl: '/x', body: { 'a\u0000': 1 } }],
  ])('refuses a NUL character in %s with a 400', (_what, req) => {
    expect(verdict(req)).toMatchObject({ status: 400, expose: true });
  });

  it('lets everything else through', () => {
    expect(verdict({ originalUrl: '/api/v1/cards/%2500?q=%C3%A9', body: { name: 'é \u0001', list: [1, null, true] } })).toBeUndefined();
    expect(verdict({ originalUrl: '/health' })).toBeUndefined();
  });
});
