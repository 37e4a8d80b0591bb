import type { Tx } from '../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import { parseNotification, RequestStateMachine, type RequestRow } from './request-state-machine';

/** A unit of work that records what the state machine asks of it (no database). */
function fakeTx(updated: boolean) {
  const queries: Array<{ sql: string; params: unknown[] }> = [];
  const audits: Array<Record<string, unknown>> = [];
  const tx = {
    now: new Date('2026-01-02T03:04:05Z'),
    actor: { actor: 'system:keygen', actorName: null, role: null, requestId: null },
    em: {
      query: async (sql: string, params: unknown[]) => {
        queries.push({ sql, params });
        if (sql.includes('UPDATE issuance_request')) return updated ? [{ ...row, state: params[1] }] : [];
        return [];
      },
    },
    audit: (e: Record<string, unknown>) => audits.push(e),
  } as unknown as Tx;
  return { tx, queries, audits };
}

const row = { id: 'r1', batch_id: 'b1', state: 'escrowed' } as RequestRow;

describe('RequestStateMachine.transition', () => {
  it('moves a request one allowed step: update, history, audit and a notification', async () => {
    const { tx, queries, audits } = fakeTx(true);
    const r = await new RequestStateMachine().transition(tx, row, 'awaiting-card', { details: { job: 'personalise-card' } });
    expect(r).toMatchObject({ id: 'r1', state: 'awaiting-card' });
    expect(queries.map((q) => q.sql.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'WITH u AS',
      'INSERT INTO issuance_request_event',
      'SELECT pg_notify($1, $2)',
    ]);
    expect(audits).toEqual([
      {
        action: 'issuance-request.awaiting-card',
        targetType: 'issuance-request',
        targetId: 'r1',
        outcome: 'success',
        details: { from: 'escrowed', to: 'awaiting-card', job: 'personalise-card' },
      },
    ]);
    const note = queries[2].params[1] as string;
    expect(parseNotification(note)).toEqual([
      { type: 'state', requestId: 'r1', batchId: 'b1', from: 'escrowed', state: 'awaiting-card', at: '2026-01-02T03:04:05.000Z' },
    ]);
  });

  it('refuses a step the table does not allow, audits the refusal and writes nothing', async () => {
    const { tx, queries, audits } = fakeTx(true);
    const r = await new RequestStateMachine().transition(tx, { ...row, state: 'requested' }, 'awaiting-card');
    expect(r).toBeInstanceOf(IssuanceError);
    expect((r as IssuanceError).code).toBe(IssuanceErrorCode.IllegalTransition);
    expect(queries).toEqual([]);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'issuance-request.awaiting-card',
        outcome: 'denied',
        details: { from: 'requested', to: 'awaiting-card', reason: 'illegal-transition' },
      }),
    ]);
  });

  it('refuses when the caller expects another state, and when the row moved under an unlocked caller', async () => {
    const a = fakeTx(true);
    expect(await new RequestStateMachine().transition(a.tx, row, 'failed', { expect: ['requested'] })).toBeInstanceOf(IssuanceError);
    const b = fakeTx(false);
    const r = await new RequestStateMachine().transition(b.tx, row, 'awaiting-card');
    expect((r as IssuanceError).message).toMatch(/changed concurrently/);
    expect(b.audits).toEqual([]);
  });
});
