import { appDb, call, createTestUser, loginAs, type RunningApi, startApi, uniqueName } from '@scm/test-kit';
import type { Browser } from 'playwright-core';
import { TEST_PASSWORD } from '@scm/test-kit';
import { launchBrowser, logIn, openConsole, openScreen, requireBuiltConsole, screenshot, seriousA11yViolations } from './support';

/**
 * The console served by the API: its page and headers (CSP with a per-response style nonce),
 * client-side routes outside /api, the login screen and the shell with the navigation of the
 * user's roles, the session token kept out of every storage, zero CSP violations and no serious
 * accessibility violations.
 */
describe('console: served by the API, log-in, shell', () => {
  let api: RunningApi;
  let browser: Browser;
  let officer: string;
  let auditor: string;

  beforeAll(async () => {
    requireBuiltConsole();
    api = await startApi();
    officer = uniqueName('officer');
    await createTestUser(officer, ['security-officer']);
    auditor = uniqueName('auditor');
    await createTestUser(auditor, ['auditor']);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('serves the page at / and at client routes with a strict CSP and a fresh style nonce; /api stays the API', async () => {
    const a = await fetch(`${api.url}/`);
    const b = await fetch(`${api.url}/cardholders`);
    expect([a.status, b.status]).toEqual([200, 200]);
    const csp = a.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const html = await a.text();
    expect(html).toContain(`<meta name="scm-style-nonce" content="${nonce}"`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(/'nonce-([^']+)'/.exec(b.headers.get('content-security-policy')!)![1]).not.toBe(nonce);
    const missingApi = await fetch(`${api.url}/api/v1/no-such-route`);
    expect([missingApi.status, missingApi.headers.get('content-type')]).toEqual([404, expect.stringContaining('application/problem+json')]);
    for (const variant of ['/API/v1/auth/me', '//api/v1/auth/me', '/Health/x']) {
      const r = await fetch(`${api.url}${variant}`);
      expect([variant, r.status, r.headers.get('content-type')]).toEqual([variant, 404, expect.not.stringContaining('html')]);
    }
    const missingAsset = await fetch(`${api.url}/assets/no-such-file.js`);
    expect([missingAsset.status, missingAsset.headers.get('content-type')]).toEqual([404, expect.stringContaining('text/plain')]);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${api.url}${asset}`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([
      200,
      expect.stringContaining('javascript'),
      'public, max-age=31536000, immutable',
    ]);
  });

  it('logs an officer in: the shell shows the officer screens only; the token is in no storage; no CSP violation', async () => {
    const c = await openConsole(browser, api.url);
    try {
      await c.page.goto('/');
      expect(await seriousA11yViolations(c.page)).toEqual([]);
      await screenshot(c.page, 'login');
      await c.page.getByLabel('Username').fill(officer);
      await c.page.getByLabel('Password', { exact: true }).fill('wrong password');
      await c.page.getByRole('button', { name: 'Log in' }).click();
      await c.page.getByRole('alert').waitFor();
      expect(await c.page.getByRole('alert').textContent()).toContain('auth.');
      await logIn(c.page, officer);
      await c.page.getByRole('heading', { level: 2, name: 'Dashboard' }).waitFor();
      const nav = c.page.getByRole('navigation', { name: 'Screens' });
      expect(await nav.getByRole('link', { name: 'Dashboard' }).count()).toBe(1);
      expect(await seriousA11yViolations(c.page)).toEqual([]);
      await openScreen(c.page, 'Readers');
      const stored = await c.page.evaluate<string>('JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie])');
      expect(stored).not.toMatch(/[A-Za-z0-9_-]{30,}/);
      expect((await c.page.context().cookies()).length).toBe(0);
      expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('shows an auditor no officer screen, and refuses an officer route they type', async () => {
    const c = await openConsole(browser, api.url);
    try {
      await logIn(c.page, auditor);
      const nav = c.page.getByRole('navigation', { name: 'Screens' });
      expect(await nav.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
      // Typed into the app (client-side navigation): the route does not exist for an auditor.
      await c.page.evaluate("history.pushState({}, '', '/dashboard'); dispatchEvent(new PopStateEvent('popstate'))");
      await c.page.getByRole('heading', { level: 2, name: 'Not available' }).waitFor();
      expect(await seriousA11yViolations(c.page)).toEqual([]);
      // A reload forgets the session (memory only): the login screen comes back.
      await c.page.reload();
      await c.page.getByRole('button', { name: 'Log in' }).waitFor();
      expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('asks for the password again where the API wants a recent one (@Fresh), and carries on once it is confirmed', async () => {
    // The officer registers a cardholder over HTTP; the approver's console session is made stale.
    const name = `Fresh Holder ${Date.now() % 100000}`;
    const token = await loginAs(api.url, officer);
    const created = await call<{ approval: { id: string } }>(api.url, 'POST', '/api/v1/cardholders', token, {
      name,
      upn: `fresh${Date.now() % 100000}@corp.example`,
      email: 'fresh.holder@example.org',
    });
    expect(created.status).toBe(201);
    const approver = uniqueName('approver');
    const approverId = await createTestUser(approver, ['security-officer']);
    const c = await openConsole(browser, api.url);
    const db = await appDb();
    try {
      await logIn(c.page, approver);
      await db.query(`UPDATE session SET created_at = now() - interval '1 day' WHERE principal_id = $1`, [approverId]);
      await openScreen(c.page, 'Approvals');
      const item = c.page.getByRole('article', { name: `Register cardholder ${name}` });
      await item.getByRole('button', { name: 'Approve' }).click();
      const prompt = c.page.getByRole('dialog', { name: 'Confirm your password' });
      await prompt.waitFor();
      expect(await seriousA11yViolations(c.page)).toEqual([]);
      await prompt.getByLabel('Password', { exact: true }).fill('not my password');
      await prompt.getByRole('button', { name: 'Confirm' }).click();
      await prompt.getByText(/auth\./).waitFor();
      await prompt.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
      await prompt.getByRole('button', { name: 'Confirm' }).click();
      await item.waitFor({ state: 'detached' });
      const after = await call<Array<{ id: string; status: string }>>(api.url, 'GET', '/api/v1/approvals?status=executed', token);
      expect(after.body.some((a) => a.id === created.body.approval.id)).toBe(true);
      expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
    } finally {
      await db.end();
      await c.close();
    }
  }, 60_000);
});
