import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalsService, systemActor, UnitOfWork } from '../../apps/issuer-api/src';
import { approveAs, call, createTestUser, loginAs, runCli, startApi, uniqueName, type RunningApi } from '@scm/test-kit';
import { cardholders, officer, type Officer } from '../issuance/support';

type Rendered = {
  title: string;
  rows: Array<Record<string, unknown>>;
  chain: { headSeq: number; headHash: string; verified: boolean };
  filter: { from: string | null; actor: string | null };
};

describe("the auditor's reports", () => {
  let api: RunningApi;
  let off: Officer;
  let auditor: Officer;

  beforeAll(async () => {
    api = await startApi();
    off = await officer(api);
    auditor = await officer(api, ['auditor']);
    // history: an issuance request by this officer, failed log-ins, a recovery with two approvers
    const [holder] = await cardholders(api, off.token, [{ name: 'Report Holder', upn: `rh-${Date.now()}@example.org` }]);
    const req = await call(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder: holder });
    expect(req.status).toBe(201);
    for (let i = 0; i < 2; i++)
      await call(api.url, 'POST', '/api/v1/auth/login', undefined, { username: off.username, password: `wrong ${i} password` });
    const approvals = api.app.get(ApprovalsService);
    approvals.register('test-key-recovery', async () => undefined);
    const requester = await createTestUser(uniqueName('req'), ['security-officer']);
    const a = await api.app.get(UnitOfWork).run(systemActor('test'), (tx) =>
      approvals.request(tx, {
        kind: 'test-key-recovery',
        subject: { vsc: randomUUID() },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: requester,
      }),
    );
    for (const name of [uniqueName('ap1'), uniqueName('ap2')]) {
      await createTestUser(name, ['security-officer']);
      expect((await approveAs(api.url, await loginAs(api.url, name), a.id)).status).toBe(200);
    }
  });
  afterAll(async () => {
    off?.cleanup();
    auditor?.cleanup();
    await api?.close();
  });

  it('lists the reports, for auditors only', async () => {
    const list = await call<Array<{ name: string }>>(api.url, 'GET', '/api/v1/reports', auditor.token);
    expect(list.body.map((r) => r.name)).toEqual([
      'issuance',
      'reissues',
      'recoveries',
      'temporary-cards',
      'failed-attempts',
      'archive-volumes',
      'expiring',
    ]);
    expect((await call(api.url, 'GET', '/api/v1/reports', off.token)).status).toBe(403);
  });

  it('reports issuance by day, officer and profile, filtered by actor and period', async () => {
    const r = (await call<Rendered>(api.url, 'GET', `/api/v1/reports/issuance?actor=${off.username}`, auditor.token)).body;
    expect(r.rows).toEqual([expect.objectContaining({ officer: off.username, profile: 'default', requested: 1 })]);
    expect(r.chain.verified).toBe(true);
    const future = await call<Rendered>(api.url, 'GET', `/api/v1/reports/issuance?from=2100-01-01`, auditor.token);
    expect(future.body.rows).toEqual([]);
    const bad = await call<{ code: string }>(api.url, 'GET', `/api/v1/reports/issuance?from=2026-02-01&to=2026-01-01`, auditor.token);
    expect(bad.status).toBe(400);
  });

  it('reports failed log-ins and recoveries with their approvers', async () => {
    const failed = (await call<Rendered>(api.url, 'GET', '/api/v1/reports/failed-attempts', auditor.token)).body;
    expect(failed.rows.filter((x) => x.who === off.username && x.reason === 'invalid-credentials')).toHaveLength(2);
    const rec = (await call<Rendered>(api.url, 'GET', '/api/v1/reports/recoveries', auditor.token)).body;
    const mine = rec.rows.filter((x) => x.kind === 'test-key-recovery');
    expect(mine).toHaveLength(1);
    expect(String(mine[0].approvers).split(', ')).toHaveLength(2);
    expect(mine[0].requestedBy).toMatch(/^req-/);
  });

  it('writes CSV and a PDF that carries the chain head and its verification (through bin/scm)', async () => {
    const csv = join(auditor.dir, 'issuance.csv');
    const c = await runCli(['report', 'run', 'issuance', '--format', 'csv', '--out', csv], { env: auditor.cliEnv });
    expect(c.stderr).toBe('');
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\r\n')[0]).toBe('"Day","Officer","Profile","Requested","Issued","Failed","Cancelled","Open"');
    expect(text).toContain(`"${off.username}","default","1"`);
    const pdf = join(auditor.dir, 'failed.pdf');
    const p = await runCli(['report', 'run', 'failed-attempts', '--format', 'pdf', '--out', pdf], { env: auditor.cliEnv });
    expect(p.stderr).toBe('');
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const head = (await call<Rendered>(api.url, 'GET', '/api/v1/reports/failed-attempts', auditor.token)).body.chain;
    // pdfkit writes text as hex strings inside TJ operators: decode them to read the page.
    const body = [...bytes.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
      .map((m) => [...m[1].matchAll(/<([0-9a-fA-F]+)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''))
      .join('\n');
    expect(body).toContain(`Audit chain head: event`);
    expect(body).toMatch(/SHA-256 [0-9a-f]{64}/);
    expect(head.verified).toBe(true);
    expect(body).toContain('Verification: OK');
  });

  it('neutralises spreadsheet formulas in CSV cells', async () => {
    const { toCsv } = await import('../../apps/issuer-api/src/reporting/report-render');
    const csv = toCsv({
      name: 'x',
      title: 'x',
      generatedAt: '',
      generatedBy: '',
      filter: { from: null, to: null, actor: null },
      columns: [{ key: 'a', title: 'A' }],
      rows: [{ a: '=HYPERLINK("http://evil")' }, { a: 'plain "quoted"' }],
      chain: { headSeq: 0, headHash: '', verified: true, latestCheckpoint: null, broken: null, problems: [] },
    });
    expect(csv).toBe('"A"\r\n"\'=HYPERLINK(""http://evil"")"\r\n"plain ""quoted"""\r\n');
  });
});
