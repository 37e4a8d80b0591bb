import { appDb, ownerDb, createTestUser, type RunningApi, startApi, uniqueName } from '@scm/test-kit';
import type { Browser } from 'playwright-core';
import type { Client } from 'pg';
import { removeLargeLists, seedLargeLists } from './seed-large';
import { type ConsolePage, launchBrowser, logIn, openConsole, requireBuiltConsole } from './support';

/**
 * The console's lists at scale: 10,000 cardholders, requests and cards (SCM_CONSOLE_ROWS), paged
 * and searched on the server. Prints the time from choosing a screen (or typing a search) until
 * its first rows show; a measurement, not a timed assertion.
 */
const ROWS = Number(process.env.SCM_CONSOLE_ROWS ?? 10_000);

describe('console: lists with 10,000 rows', () => {
  let api: RunningApi;
  let db: Client;
  let browser: Browser;
  let c: ConsolePage;
  let tag: string;
  let prefix: string;
  const times: Array<[string, number]> = [];

  beforeAll(async () => {
    requireBuiltConsole();
    api = await startApi();
    db = await appDb();
    ({ tag, prefix } = await seedLargeLists(db, ROWS));
    const officer = uniqueName('officer');
    await createTestUser(officer, ['security-officer']);
    browser = await launchBrowser();
    c = await openConsole(browser, api.url);
    await logIn(c.page, officer);
  }, 120_000);

  afterAll(async () => {
    console.log(
      [
        `console time to usable with ${ROWS} rows (ms)`,
        ...times.map(([what, ms]) => `  ${what.padEnd(40)} ${String(ms).padStart(6)}`),
      ].join('\n'),
    );
    await browser?.close();
    if (tag) {
      const owner = await ownerDb();
      await removeLargeLists(owner, { tag, prefix }).finally(() => owner.end());
    }
    await db?.end();
    await api?.close();
  });

  /** Milliseconds from `act` until `ready` resolves. */
  const measure = async (what: string, act: () => Promise<void>, ready: () => Promise<void>) => {
    const t0 = performance.now();
    await act();
    await ready();
    times.push([what, Math.round(performance.now() - t0)]);
  };
  const nav = (name: string) => c.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();
  const firstRow = (table: string, text: string | RegExp) =>
    c.page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text }).first().waitFor();

  it('opens and searches the three largest lists, each a page from the server', async () => {
    await measure(
      'requests: open',
      () => nav('Requests'),
      () => firstRow('Requests', `${tag} Holder ${ROWS}`),
    );
    expect(await c.page.getByRole('table', { name: 'Requests' }).getByRole('row').count()).toBe(51);
    await measure(
      'cards: open',
      () => nav('Cards'),
      () => firstRow('Cards', `${prefix}${String(ROWS).padStart(6, '0')}`),
    );
    await measure(
      'cards: search a serial',
      () => c.page.getByLabel('Search cards').fill(`${prefix}000042`),
      () => firstRow('Cards', `${prefix}000042`),
    );
    expect(await c.page.getByRole('table', { name: 'Cards' }).getByRole('row').count()).toBe(2);
    await measure(
      'cardholders: open',
      () => nav('Cardholders'),
      () => firstRow('Cardholders', tag),
    );
    await measure(
      'cardholders: search a name',
      () => c.page.getByLabel('Search cardholders').fill(`${tag} Holder 4242`),
      () => firstRow('Cardholders', `${tag} Holder 4242`),
    );
    await measure(
      'dashboard: open (counts by state)',
      () => nav('Dashboard'),
      () =>
        c.page
          .getByTestId('request-counts')
          .getByText(/issued \d{5}/)
          .waitFor(),
    );
    expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
  }, 120_000);
});
