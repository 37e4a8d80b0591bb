import { approveAs, call, pendingApproval } from '@scm/test-kit';
import type { Browser } from 'playwright-core';
import { testReader } from '../card-engine/support';
import { cardholder, type HelpdeskStack, issueCard, startHelpdeskStack } from '../helpdesk/support';
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
 * The help desk in the browser, on the real stack (API, a card worker on workstation 0, pcscd +
 * vpcd, a software card issued to a cardholder): an activation session is started from the console
 * (the PIN is typed at the workstation, never in the browser) and shown until it is cancelled; the
 * lost-card wizard reports the card lost, asks for a temporary card served by the workstation's
 * card worker, shows the two approvals it waits for and, once two other officers approve, the
 * temporary card with its host and expiry, which the temporary cards list shows too. axe on every
 * screen, and docs/console/<screen>.png.
 */
describe('console: the help desk runs the lost-card wizard to a temporary card', () => {
  let s: HelpdeskStack;
  let browser: Browser;
  let desk: ConsolePage;
  let holder: { id: string; name: string };
  let serial: string;

  beforeAll(async () => {
    requireBuiltConsole();
    s = await startHelpdeskStack([0]);
    holder = await cardholder(s);
    serial = (await issueCard(s, holder.id, testReader(0, 0))).card.serial;
    browser = await launchBrowser();
    desk = await openConsole(browser, s.api.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const checkScreen = async (c: ConsolePage, name: string) => {
    expect([name, await seriousA11yViolations(c.page)]).toEqual([name, []]);
    await screenshot(c.page, name);
  };

  it('starts an activation session and shows it without ever asking for the PIN', async () => {
    await logIn(desk.page, s.helpdesk.name);
    await openScreen(desk.page, 'Activation and PIN unblock');
    await desk.page.getByRole('radio', { name: /^Activation/ }).check();
    await desk.page.getByLabel('Card serial').fill(serial);
    await desk.page.getByRole('combobox', { name: 'Workstation' }).click();
    await desk.page.getByRole('option', { name: /^0 · / }).click();
    await desk.page.getByLabel('Identity check (audited)').fill('badge photo compared');
    await desk.page.getByRole('button', { name: 'Start session' }).click();
    const row = desk.page.getByRole('table', { name: 'Sessions' }).getByRole('row').filter({ hasText: serial });
    await row.getByText('open').waitFor();
    expect(await desk.page.locator('input[type="password"]').count()).toBe(0);
    await checkScreen(desk, 'pin-sessions');
    // Cancelled elsewhere (the CLI's `scm activation cancel` uses the same route): the console follows.
    const id = (
      await s.db.query<{ id: string }>(`SELECT a.id FROM activation_session a JOIN card c ON c.id = a.card_id WHERE c.serial = $1`, [
        serial,
      ])
    ).rows[0].id;
    expect((await call(s.api.url, 'POST', `/api/v1/activations/${id}/cancel`, s.helpdesk.token)).status).toBeLessThan(300);
    await row.getByText('cancelled').waitFor();
  }, 60_000);

  it('reports the card lost and asks for a temporary card; shows the approvals it waits for, then the card with host and expiry', async () => {
    await openScreen(desk.page, 'Lost card');
    await desk.page.getByLabel('Card serial').fill(serial);
    await desk.page.getByRole('radio', { name: 'Lost' }).check();
    await desk.page.getByLabel('What the cardholder said (audited; no secrets)').fill('lost on the train');
    await desk.page.getByRole('button', { name: 'Report the card' }).click();
    await desk.page.getByText('Reported lost').waitFor();
    await desk.page.getByText(/certificate\(s\) changed/).waitFor();
    await desk.page.getByRole('combobox', { name: 'Host (card worker serving it)' }).click();
    // Earlier test files leave approved workers of workstation 0 in the database: this stack's one, by its id.
    await desk.page.locator(`[role="option"][value="${s.workers.get(0)!.id}"]`).click();
    await desk.page.getByRole('button', { name: 'Ask for a temporary card' }).click();
    const approval = desk.page.getByRole('region', { name: 'Approval' });
    await approval.getByText(/0 of 2 approval\(s\) by a security-officer/).waitFor();
    await checkScreen(desk, 'lost-card');

    const pending = await call<Array<{ id: string; kind: string; subject: { card?: string } }>>(
      s.api.url,
      'GET',
      '/api/v1/approvals?status=pending',
      s.approvers[0].token,
    );
    const ticket = pending.body.find((a) => JSON.stringify(a.subject).includes(serial))!;
    expect(ticket).toBeDefined();
    await pendingApproval(s.api.url, s.approvers[0].token, ticket.id);
    for (const a of s.approvers) expect((await approveAs(s.api.url, a.token, ticket.id)).status).toBe(200);
    const made = desk.page.getByTestId('temporary-card');
    await made.waitFor({ timeout: 60_000 });
    await made.getByText(holder.name, { exact: false }).waitFor();
    await made.getByText(/workstation 0/).waitFor();
    await made.getByText('issued').waitFor();
    await screenshot(desk.page, 'lost-card-done');

    await openScreen(desk.page, 'Temporary cards');
    const line = desk.page.getByRole('table', { name: 'Temporary cards' }).getByRole('row').filter({ hasText: serial });
    await line.getByText(holder.name).waitFor();
    await line.getByText(/\(workstation 0\)/).waitFor();
    await checkScreen(desk, 'temporary-cards');
    expect([desk.cspViolations, desk.pageErrors]).toEqual([[], []]);
  }, 120_000);
});
