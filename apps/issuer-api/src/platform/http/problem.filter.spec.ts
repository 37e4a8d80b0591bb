import type { ArgumentsHost } from '@nestjs/common';
import { ArchiveError, ArchiveErrorCode } from '@scm/archive';
import { CaError, CaErrorCode } from '@scm/ca';
import { BackendError, BackendErrorCode } from '@scm/card-engine';
import { CodedError } from '@scm/common';
import { HsmError, HsmErrorCode } from '@scm/hsm';
import { PcscError, PcscErrorCode } from '@scm/pcsc';
import { PivError, PivErrorCode } from '@scm/piv';
import { VscError, VscErrorCode } from '@scm/vsc';
import type { Logger } from 'pino';
import { VscEscrowError, VscEscrowErrorCode } from '../../issuance/vsc-escrow/vsc-escrow-errors';
import { ProblemFilter, type Problem } from './problem.filter';

class StrayError extends CodedError<'nowhere.unknown'> {
  readonly code = 'nowhere.unknown' as const;
}

/** Runs the filter on one error; returns what the client got and what was logged at error level. */
function answer(err: unknown): { status: number; type: string; body: Problem; logged: Array<Record<string, unknown>> } {
  const logged: Array<Record<string, unknown>> = [];
  const log = { error: (o: Record<string, unknown>) => logged.push(o), debug: () => undefined } as unknown as Logger;
  const sent: { status?: number; type?: string; body?: string } = {};
  const res = {
    headersSent: false,
    status(s: number) {
      sent.status = s;
      return this;
    },
    type(t: string) {
      sent.type = t;
      return this;
    },
    send(b: string) {
      sent.body = b;
      return this;
    },
  };
  const req = { id: 'req-1', method: 'GET', originalUrl: '/api/v1/things?x=1', url: '/api/v1/things?x=1' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  new ProblemFilter(log).catch(err, host);
  return { status: sent.status!, type: sent.type!, body: JSON.parse(sent.body!) as Problem, logged };
}

describe('ProblemFilter: every coded error of every lib is a problem+json with its status', () => {
  it.each<[string, Error, number]>([
    ['libs/hsm', new HsmError(HsmErrorCode.Unavailable, 'token gone', {}), 503],
    ['libs/vsc', new VscError(VscErrorCode.SealTag, 'seal'), 422],
    ['libs/piv', new PivError(PivErrorCode.CardError, 'card said 6F00'), 502],
    ['libs/pcsc', new PcscError(PcscErrorCode.Timeout, 'no answer'), 504],
    ['libs/card-engine', new BackendError(BackendErrorCode.NoKey, 'empty slot'), 409],
    ['libs/ca', new CaError(CaErrorCode.NotFound, 'no such certificate', {}), 404],
    ['libs/archive', new ArchiveError(ArchiveErrorCode.SignerNotReady, 'no archive certificate', {}), 503],
    ['the escrow', new VscEscrowError(VscEscrowErrorCode.IntegrityAlarm, 'stored copy fails its seal', { vscId: 'v1' }), 500],
  ])('%s', (_lib, err, status) => {
    const r = answer(err);
    expect(r.status).toBe(status);
    expect(r.type).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status, code: (err as CodedError).code, detail: err.message, instance: 'req-1' });
    // Server faults are logged with the route; client faults are not errors of the server.
    expect(r.logged.length).toBe(status >= 500 ? 1 : 0);
    if (status >= 500) expect(r.logged[0]).toMatchObject({ route: 'GET /api/v1/things', code: (err as CodedError).code });
  });

  it('answers a code no table knows as a logged 500 internal error', () => {
    const r = answer(new StrayError('a module forgot to map this'));
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ code: 'internal', status: 500, instance: 'req-1' });
    expect(r.body.detail).not.toMatch(/forgot/);
    expect(r.logged).toEqual([expect.objectContaining({ unmappedCode: 'nowhere.unknown', code: 'internal' })]);
  });

  it('answers an uncoded error as a logged 500 without its message', () => {
    const r = answer(new TypeError('secret-ish internals'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toMatch(/internals/);
    expect(r.logged).toHaveLength(1);
  });

  it('still answers when building the problem itself fails', () => {
    const hostile = new VscError(VscErrorCode.SealTag, 'x');
    Object.defineProperty(hostile, 'meta', {
      get() {
        throw new Error('meta getter exploded');
      },
    });
    const r = answer(hostile);
    expect(r.status).toBe(500);
    expect(r.body.code).toBe('internal');
    expect(r.logged.some((l) => (l.err as Error)?.message === 'meta getter exploded')).toBe(true);
  });
});
