import { readFileSync } from 'node:fs';
import { approveAs, approveBySecondOfficer, call, createTestUser, loginAs, type RunningApi, startApi, uniqueName } from '@scm/test-kit';
import type { Browser, Page } from 'playwright-core';
import {
  type ConsolePage,
  launchBrowser,
  logIn,
  openConsole,
  openScreen,
  requireBuiltConsole,
  screenshot,
  seriousA11yViolations,
} from './support';

/**
 * The auditor's and the administrator's screens on the real API: an auditor runs the issuance
 * report with its chart and downloads it as CSV and as PDF (the files the browser saves are checked:
 * content type and first bytes), reads the audit chain's state and signs a checkpoint; an admin
 * asks for a role that stays pending until a second admin approves it. axe on every screen, and
 * docs/console/<screen>.png.
 */
describe('console: auditor reports and audit chain, admin users and roles', () => {
  let api: RunningApi;
  let browser: Browser;
  let auditor: string;
  let admin: string;
  let admin2Token: string;
  let officerToken: string;

  beforeAll(async () => {
    requireBuiltConsole();
    api = await startApi();
    [auditor, admin] = [uniqueName('auditor'), uniqueName('admin')];
    const officer = uniqueName('officer');
    const admin2 = uniqueName('admin');
    await Promise.all([
      createTestUser(auditor, ['auditor']),
      createTestUser(admin, ['admin']),
      createTestUser(admin2, ['admin']),
      createTestUser(officer, ['security-officer']),
    ]);
    [officerToken, admin2Token] = await Promise.all([loginAs(api.url, officer), loginAs(api.url, admin2)]);
    // Something for the issuance report: an approved cardholder and one issuance request.
    const tag = uniqueName('holder');
    const h = await call<{ id: string; approval?: { id: string } }>(api.url, 'POST', '/api/v1/cardholders', officerToken, {
      name: `Holder ${tag}`,
      upn: `${tag}@corp.example`,
      email: `${tag}@example.org`,
    });
    expect(h.status).toBe(201);
    await approveBySecondOfficer(api.url, h.body.approval);
    expect((await call(api.url, 'POST', '/api/v1/issuance-requests', officerToken, { cardholder: h.body.id })).status).toBe(201);
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const checkScreen = async (c: ConsolePage, name: string) => {
    expect([name, await seriousA11yViolations(c.page)]).toEqual([name, []]);
    await screenshot(c.page, name);
  };

  /** Clicks a download button; returns the answer's content type and the saved file's bytes. */
  async function downloadVia(page: Page, button: string, format: string): Promise<{ type: string; bytes: Buffer; name: string }> {
    const [response, download] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`format=${format}`)),
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);
    const path = await download.path();
    return { type: response.headers()['content-type'], bytes: readFileSync(path), name: download.suggestedFilename() };
  }

  it('an auditor runs the issuance report with its chart and downloads it as CSV and PDF; reads and checkpoints the audit chain', async () => {
    const c = await openConsole(browser, api.url);
    try {
      await logIn(c.page, auditor);
      await openScreen(c.page, 'Reports');
      const today = new Date().toISOString().slice(0, 10);
      await c.page.getByLabel('From (day, UTC)').fill(today);
      await c.page.getByRole('button', { name: 'Run' }).click();
      const table = c.page.getByRole('table', { name: 'Issuance by period, officer and profile' });
      await table.getByRole('row').filter({ hasText: today }).first().waitFor();
      const chart = c.page.getByRole('img', { name: /Issuance requests per day/ });
      await chart.waitFor();
      await c.page.getByText('Audit chain verified').waitFor();
      await checkScreen(c, 'reports');

      const csv = await downloadVia(c.page, 'Download CSV', 'csv');
      expect([csv.type, csv.name]).toEqual(['text/csv; charset=utf-8', `scm-issuance-${today}.csv`]);
      const text = csv.bytes.toString('utf8');
      expect(text.split(/\r?\n/)[0]).toBe('"Day","Officer","Profile","Requested","Issued","Failed","Cancelled","Open"');
      expect(text).toContain(`"${today}"`);
      const pdf = await downloadVia(c.page, 'Download PDF', 'pdf');
      expect([pdf.type, pdf.name, pdf.bytes.subarray(0, 5).toString('latin1')]).toEqual([
        'application/pdf',
        `scm-issuance-${today}.pdf`,
        '%PDF-',
      ]);
      expect(pdf.bytes.subarray(-8).toString('latin1')).toContain('%%EOF');
      await c.page.getByText(`Downloaded scm-issuance-${today}.pdf`).waitFor();

      await openScreen(c.page, 'Audit chain');
      await c.page.getByTestId('chain-result').getByText('Verified').waitFor();
      await c.page.getByRole('button', { name: 'Sign a checkpoint' }).click();
      await c.page.getByText(/^#\d+, signed .* with /).waitFor();
      await checkScreen(c, 'audit-chain');
      expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('an admin asks for a role: it waits for a second admin, then is active', async () => {
    const target = uniqueName('clerk');
    await createTestUser(target, ['help-desk']);
    const c = await openConsole(browser, api.url);
    try {
      await logIn(c.page, admin);
      await openScreen(c.page, 'Users and roles');
      await c.page.getByRole('button', { name: `Request a role for ${target}` }).click();
      const dialog = c.page.getByRole('dialog', { name: `Request a role for ${target}` });
      await dialog.getByRole('combobox', { name: 'Role' }).click();
      await dialog.getByRole('option', { name: 'auditor' }).click();
      await dialog.getByRole('button', { name: 'Request' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const pending = c.page.getByRole('table', { name: 'Pending role grants' }).getByRole('row').filter({ hasText: target });
      await pending.getByText('auditor').waitFor();
      await c.page.locator(`[data-user="${target}"]`).getByText('auditor (pending)').waitFor();
      await checkScreen(c, 'users');

      const list = await call<Array<{ username: string; roles: Array<{ role: string; approvalId: string | null }> }>>(
        api.url,
        'GET',
        '/api/v1/users',
        admin2Token,
      );
      const approvalId = list.body.find((u) => u.username === target)!.roles.find((r) => r.role === 'auditor')!.approvalId!;
      expect((await approveAs(api.url, admin2Token, approvalId)).status).toBe(200);
      await c.page.reload();
      await logIn(c.page, admin);
      await openScreen(c.page, 'Users and roles');
      const row = c.page.locator(`[data-user="${target}"]`);
      // Active roles carry a revoke control; the grant is no longer pending.
      await row.getByRole('button', { name: `Revoke auditor from ${target}` }).waitFor();
      await row.getByRole('button', { name: `Revoke help-desk from ${target}` }).waitFor();
      expect(await row.getByText('auditor (pending)').count()).toBe(0);
      expect([c.cspViolations, c.pageErrors]).toEqual([[], []]);
    } finally {
      await c.close();
    }
  }, 90_000);
});
