import { join } from 'node:path';
import {
  approveAs,
  call,
  createTestUser,
  enrollmentToken,
  loginAs,
  reauth,
  runCli,
  spawnWorker,
  testWorkstations,
  uniqueName,
} from '@scm/test-kit';
import {
  cardholders,
  feedCards,
  insertInspected,
  remove,
  type Stack,
  startStack,
  type TestCard,
  testReader,
  WORKER_ENV,
  waitForRequests,
} from './support';

const WS = 2;
const PIN = '739164';

type Problem = { code?: string; errors?: Array<{ code?: string; index: number }> };

/**
 * Separation of duties on the real stack (FIPS 201's sponsor, registrar, issuer, activator): one
 * security officer alone tries the whole chain that makes a working card — enrol and approve a
 * card worker, register a cardholder, request a card, open its activation — and is refused at
 * every step that needs a second person, each refusal audited; with a second officer the same
 * chain ends with an active card whose PIN the cardholder typed.
 */
describe('separation of duties: one officer alone cannot make a working card; two can', () => {
  let s: Stack;
  let alone: string;
  let aloneName: string;
  let second: string;
  let card: TestCard | undefined;

  beforeAll(async () => {
    s = await startStack([]);
    aloneName = uniqueName('insider');
    await createTestUser(aloneName, ['security-officer']);
    alone = await loginAs(s.api.url, aloneName);
    second = s.second.token;
  }, 120_000);

  afterAll(async () => {
    if (card) await remove(card).catch(() => undefined);
    await s?.close();
  });

  const audited = async (action: string, refusal: string): Promise<number> =>
    (
      await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND outcome = 'denied' AND details->>'refusal' = $2 AND actor_name = $3`,
        [action, refusal, aloneName],
      )
    ).rows[0].n;

  it('/health says separation of duties is enforced', async () => {
    const h = await call<{ policy: { separationOfDuties: string } }>(s.api.url, 'GET', '/health');
    expect(h.body.policy).toEqual({ separationOfDuties: 'enforced' });
  });

  it('is refused at each step that needs a second person, and succeeds with two officers', async () => {
    // 1. A PC of the officer's own, enrolled as a card worker with the officer's token.
    const ws = testWorkstations().find((w) => w.id === WS)!;
    const worker = spawnWorker(s.api, ws, { ...WORKER_ENV, SCM_ENROLLMENT_TOKEN: await enrollmentToken(s.api, alone, WS) });
    s.workers.set(WS, Object.assign(worker, { id: '' }));
    await worker.waitForLog(/"msg":"waiting for an officer to approve this worker/);
    const fingerprint = /"fingerprint":"([0-9A-F-]+)"/.exec(worker.log())![1];
    const listed = (await call<Array<{ id: string; fingerprint: string }>>(s.api.url, 'GET', '/api/v1/workers', alone)).body;
    const workerId = listed.find((w) => w.fingerprint === fingerprint)!.id;
    const ownWorker = await call<Problem>(s.api.url, 'POST', `/api/v1/workers/${workerId}/approve`, alone, { fingerprint });
    expect([ownWorker.status, ownWorker.body.code]).toEqual([403, 'worker.approver-made-token']);
    expect(await audited('worker.approved', 'worker.approver-made-token')).toBe(1);

    // 2. A cardholder with an unused UPN: pending, and the registrar may not approve their own entry.
    const tag = uniqueName('victim');
    const added = await call<{ id: string; status: string; approval: { id: string; subjectHash: string } }>(
      s.api.url,
      'POST',
      '/api/v1/cardholders',
      alone,
      { name: `Victim ${tag}`, upn: `${tag}@corp.example` },
    );
    expect([added.status, added.body.status]).toEqual([201, 'pending']);
    const holder = added.body.id;
    const ownRegistration = await approveAs<Problem>(s.api.url, alone, added.body.approval.id);
    expect([ownRegistration.status, ownRegistration.body.code]).toEqual([403, 'approval.self-approval']);

    // 3. Issuance for the pending cardholder is refused; so is issuance for an existing cardholder nobody sponsored.
    const pending = await call<Problem>(s.api.url, 'POST', '/api/v1/issuance-requests', alone, { cardholder: holder });
    expect([pending.status, pending.body.code, pending.body.errors?.[0]?.code]).toEqual([
      422,
      'issuance.invalid-batch',
      'cardholder-pending',
    ]);
    const [existing] = await cardholders(s, 1);
    const first = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.token, { cardholder: existing });
    expect(first.status).toBe(201);
    await call(s.api.url, 'POST', `/api/v1/issuance-requests/${first.body.id}/cancel`, s.token, { reason: 'test' });
    const unsponsored = await call<Problem>(s.api.url, 'POST', '/api/v1/issuance-requests', alone, { cardholder: existing });
    expect([unsponsored.status, unsponsored.body.code]).toEqual([403, 'issuance.not-sponsored']);
    expect(await audited('issuance-request.requested', 'issuance.not-sponsored')).toBe(1);
    // asking for a sponsorship is allowed; granting it to oneself is not
    const sponsorship = await call<{ id: string }>(s.api.url, 'POST', `/api/v1/cardholders/${existing}/sponsorship`, alone);
    expect(sponsorship.status).toBe(201);
    expect((await approveAs<Problem>(s.api.url, alone, sponsorship.body.id)).body.code).toBe('approval.self-approval');
    const selfApprovals = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'approval.approve' AND outcome = 'denied' AND details->>'reason' = 'approval.self-approval' AND actor_name = $1`,
      [aloneName],
    );
    expect(selfApprovals.rows[0].n).toBe(2);

    // --- A second officer takes the steps that need a second person.
    const w = await call<{ status: string }>(s.api.url, 'POST', `/api/v1/workers/${workerId}/approve`, second, { fingerprint });
    expect([w.status, w.body.status]).toEqual([200, 'approved']);
    await worker.waitForLog(/"msg":"channel to the API open"/);
    expect((await approveAs(s.api.url, second, added.body.approval.id)).body.status).toBe('executed');
    const shown = await call<{ status: string; sponsored: boolean }>(s.api.url, 'GET', `/api/v1/cardholders/${holder}`, alone);
    expect(shown.body).toMatchObject({ status: 'active', sponsored: true });
    // the sponsor does not request the card they sponsored...
    const bySponsor = await call<Problem>(s.api.url, 'POST', '/api/v1/issuance-requests', second, { cardholder: holder });
    expect([bySponsor.status, bySponsor.body.code]).toEqual([403, 'issuance.sponsor-is-requester']);
    // ...the first officer does, consuming the sponsorship
    const req = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', alone, { cardholder: holder });
    expect(req.status).toBe(201);
    const row = await s.db.query<{ sponsored_by: string; created_by: string }>(
      `SELECT sponsored_by, created_by FROM issuance_request WHERE id = $1`,
      [req.body.id],
    );
    expect(row.rows[0].sponsored_by).not.toBe(row.rows[0].created_by);
    await waitForRequests(s.db, [req.body.id], ['awaiting-card', 'personalising', 'verifying', 'issued'], 90_000);
    [card] = await feedCards(s.db, [testReader(WS, 0)], 1, { timeoutMs: 120_000 });
    await waitForRequests(s.db, [req.body.id], ['issued'], 30_000);

    // 4. The officer who requested the card may not open its activation (and so choose its PIN).
    await insertInspected(s, card, testReader(WS, 0));
    await reauth(s.api.url, alone);
    const own = await call<Problem>(s.api.url, 'POST', '/api/v1/activations', alone, {
      card: card.serial,
      workstation: WS,
      identityCheck: 'my own word',
    });
    expect([own.status, own.body.code]).toEqual([403, 'personalisation.activator-is-requester']);
    expect(await audited('card.activation-started', 'personalisation.activator-is-requester')).toBe(1);

    // --- The second officer checks the cardholder and opens it; the cardholder types the PIN.
    const started = await runCli(
      ['activation', 'start', '--card', card.serial, '--workstation', String(WS), '--identity-check', 'passport seen in person'],
      { env: s.second.cliEnv },
    );
    expect([started.code, started.stderr]).toEqual([0, '']);
    const socket = join(worker.stateDir, 'worker', `ws${WS}.activation.sock`);
    const act = await runCli(['activate', '--card', card.serial, '--socket', socket, '--pin-stdin'], { input: `${PIN}\n` });
    expect([act.code, act.stdout]).toEqual([0, `card ${card.serial} is active: its PIN is set\n`]);
    const state = await s.db.query<{ state: string }>(`SELECT state FROM card WHERE serial = $1`, [card.serial]);
    expect(state.rows[0].state).toBe('active');
  });
});
