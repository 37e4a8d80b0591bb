import type { VerifyReport } from '@scm/audit';
import { ApiErrorCode } from '../../platform/http/api-errors';
import { TestClock } from '../../platform/testing/test-unit-of-work';
import type { AuditService } from '../../trust/audit/audit.service';
import { InMemoryReportViewsRepository } from '../in-memory-report-views.repository';
import { RunReportHandler } from './run-report.handler';
import { RunReportQuery } from './run-report.query';

describe('RunReportHandler', () => {
  const verified: VerifyReport = {
    ok: true,
    events: 42,
    head: { seq: 42, hash: 'ab'.repeat(32) },
    latestCheckpoint: { seq: 42, signedAt: '2026-12-01T08:59:00.000Z', keyLabel: 'scm-audit-checkpoint/1' },
    checkpointsChecked: 3,
    broken: null,
    problems: [],
  };
  const setup = (report: VerifyReport = verified, checkpoint: () => Promise<unknown> = async () => null) => {
    const views = new InMemoryReportViewsRepository();
    const calls: string[] = [];
    const audit = {
      checkpoint: async () => {
        calls.push('checkpoint');
        return checkpoint();
      },
      verify: async () => {
        calls.push('verify');
        return report;
      },
    } as unknown as Pick<AuditService, 'checkpoint' | 'verify'>;
    const clock = new TestClock();
    return { views, calls, clock, handler: new RunReportHandler(views, audit, clock) };
  };

  it('runs the report with its filter, signs the chain head, then stamps the report with its verification', async () => {
    const { views, calls, clock, handler } = setup();
    views.failedRows.push(
      { at: new Date('2026-11-20T10:00:00Z'), action: 'auth.login', who: 'olga', reason: 'invalid-credentials', outcome: 'failure' },
      { at: new Date('2026-10-01T10:00:00Z'), action: 'auth.login', who: 'olga', reason: 'invalid-credentials', outcome: 'failure' },
    );
    const filter = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), actor: 'olga' };
    const r = await handler.execute(new RunReportQuery('failed-attempts', filter, 'audrey'));
    expect(views.asked).toEqual([filter]);
    expect(calls).toEqual(['checkpoint', 'verify']);
    expect(r).toEqual({
      name: 'failed-attempts',
      title: 'Failed PIN and login attempts',
      generatedAt: clock.now().toISOString(),
      generatedBy: 'audrey',
      filter: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', actor: 'olga' },
      columns: expect.arrayContaining([{ key: 'who', title: 'Account or card' }]),
      rows: [{ at: '2026-11-20T10:00:00.000Z', action: 'auth.login', who: 'olga', reason: 'invalid-credentials', outcome: 'failure' }],
      chain: { headSeq: 42, headHash: 'ab'.repeat(32), verified: true, latestCheckpoint: 42, broken: null, problems: [] },
    });
  });

  it('still reports when the checkpoint cannot be signed, and names a broken chain', async () => {
    const broken: VerifyReport = {
      ...verified,
      ok: false,
      latestCheckpoint: null,
      broken: { seq: 7, reason: 'hash mismatch' },
      problems: ['x'],
    };
    const { handler } = setup(broken, async () => {
      throw new Error('HSM down');
    });
    const r = await handler.execute(new RunReportQuery('issuance', {}, 'audrey'));
    expect(r.filter).toEqual({ from: null, to: null, actor: null });
    expect(r.chain).toEqual({
      headSeq: 42,
      headHash: 'ab'.repeat(32),
      verified: false,
      latestCheckpoint: null,
      broken: 'event 7: hash mismatch',
      problems: ['x'],
    });
  });

  it('refuses an unknown report, naming the reports there are, before reading anything', async () => {
    const { views, calls, handler } = setup();
    await expect(handler.execute(new RunReportQuery('salaries', {}, 'audrey'))).rejects.toMatchObject({
      code: ApiErrorCode.NotFound,
      message: 'no report "salaries"; reports: issuance, reissues, recoveries, temporary-cards, failed-attempts, archive-volumes, expiring',
    });
    expect(views.asked).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses a period that ends before (or when) it starts', async () => {
    const { views, handler } = setup();
    const at = new Date('2026-02-01T00:00:00Z');
    for (const from of [at, new Date('2026-03-01T00:00:00Z')])
      await expect(handler.execute(new RunReportQuery('issuance', { from, to: at }, 'audrey'))).rejects.toMatchObject({
        code: ApiErrorCode.Invalid,
        message: 'from must be before to',
      });
    expect(views.asked).toEqual([]);
  });
});
