import { appDb, ownerDb, call, createTestUser, loginAs, type RunningApi, startApi, uniqueName } from '@scm/test-kit';
import type { Client } from 'pg';
import { removeLargeLists, seedLargeLists } from './seed-large';

/** The list routes the console pages and searches on the server, against PostgreSQL. */
describe('console list routes: paging and search on the server', () => {
  let api: RunningApi;
  let db: Client;
  let token: string;
  let tag: string;
  let prefix: string;
  const N = 120;

  beforeAll(async () => {
    api = await startApi();
    db = await appDb();
    ({ tag, prefix } = await seedLargeLists(db, N));
    const officer = uniqueName('officer');
    await createTestUser(officer, ['security-officer']);
    token = await loginAs(api.url, officer);
  }, 60_000);

  afterAll(async () => {
    if (tag) {
      const owner = await ownerDb();
      await removeLargeLists(owner, { tag, prefix }).finally(() => owner.end());
    }
    await db?.end();
    await api?.close();
  });

  type Card = { id: string; serial: string; cardholderName: string; state: string };

  it('pages cards newest first without overlap, and searches by serial and by cardholder', async () => {
    const p1 = await call<Card[]>(api.url, 'GET', '/api/v1/cards?limit=50&offset=0', token);
    const p2 = await call<Card[]>(api.url, 'GET', '/api/v1/cards?limit=50&offset=50', token);
    expect([p1.status, p1.body.length, p2.body.length]).toEqual([200, 50, 50]);
    expect(p1.body[0].serial).toBe(`${prefix}${String(N).padStart(6, '0')}`);
    expect(new Set([...p1.body, ...p2.body].map((c) => c.id)).size).toBe(100);
    const bySerial = await call<Card[]>(api.url, 'GET', `/api/v1/cards?q=${prefix.toLowerCase()}000042`, token);
    expect(bySerial.body.map((c) => [c.serial, c.cardholderName])).toEqual([[`${prefix}000042`, `${tag} Holder 42`]]);
    const byHolder = await call<Card[]>(api.url, 'GET', `/api/v1/cards?q=${encodeURIComponent(`${tag} Holder 7`)}&state=issued`, token);
    expect(byHolder.body.map((c) => c.cardholderName).sort()).toEqual(
      ['7', '70', '71', '72', '73', '74', '75', '76', '77', '78', '79'].map((i) => `${tag} Holder ${i}`).sort(),
    );
    // LIKE's wildcards are taken literally.
    expect((await call<Card[]>(api.url, 'GET', '/api/v1/cards?q=%25', token)).body).toEqual([]);
    const bad = await call<{ code: string }>(api.url, 'GET', '/api/v1/cards?limit=0&state=nonsense', token);
    expect([bad.status, bad.body.code]).toEqual([400, 'api.invalid-request']);
  });

  it("shows a card's escrow versions (none for a card without a VSC)", async () => {
    const [card] = (await call<Card[]>(api.url, 'GET', `/api/v1/cards?q=${prefix}000001`, token)).body;
    const r = await call<unknown[]>(api.url, 'GET', `/api/v1/cards/${card.id}/escrow`, token);
    expect([r.status, r.body]).toEqual([200, []]);
  });

  it('pages requests with ?offset= and counts them by state', async () => {
    const a = await call<Array<{ id: string }>>(api.url, 'GET', '/api/v1/issuance-requests?state=issued&limit=60&offset=0', token);
    const b = await call<Array<{ id: string }>>(api.url, 'GET', '/api/v1/issuance-requests?state=issued&limit=60&offset=60', token);
    expect([a.body.length, b.body.length]).toEqual([60, 60]);
    expect(a.body.some((x) => b.body.some((y) => y.id === x.id))).toBe(false);
    const counts = await call<Record<string, number>>(api.url, 'GET', '/api/v1/issuance-request-counts', token);
    expect(counts.status).toBe(200);
    expect(counts.body.issued).toBeGreaterThanOrEqual(N);
    expect(counts.body['awaiting-card']).toEqual(expect.any(Number));
  });

  it('lists the card last worked on per reader', async () => {
    const r = await call<unknown[]>(api.url, 'GET', '/api/v1/personalisation/reader-cards', token);
    expect([r.status, Array.isArray(r.body)]).toEqual([200, true]);
  });
});
