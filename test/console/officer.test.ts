import type { Browser } from 'playwright-core';
import { feedCards, type Stack, startStack, testReader, waitForRequests } from '../personalisation/support';
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
 * The officer's flow in the browser, on the real stack (API, a card worker on workstation 0,
 * pcscd + vpcd with software cards): an officer registers a cardholder, a second officer approves
 * the registration in the approvals inbox, the officer issues a card and follows it live until it
 * is issued, then finds it on the readers view; every screen passes axe and loads without a CSP
 * violation, and each is saved as docs/console/<screen>.png.
 */
describe('console: an officer issues a card in the browser', () => {
  let s: Stack;
  let browser: Browser;
  let officer: ConsolePage;
  let second: ConsolePage;
  const holder = `Console Holder ${Date.now() % 100000}`;

  beforeAll(async () => {
    requireBuiltConsole();
    s = await startStack([0]);
    browser = await launchBrowser();
    officer = await openConsole(browser, s.api.url);
    second = await openConsole(browser, s.api.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const checkScreen = async (c: ConsolePage, name: string) => {
    expect([name, await seriousA11yViolations(c.page)]).toEqual([name, []]);
    await screenshot(c.page, name);
  };

  it('registers a cardholder; a second officer approves it in the approvals inbox', async () => {
    await logIn(officer.page, s.officer);
    await officer.page.getByRole('heading', { level: 2, name: 'Dashboard' }).waitFor();
    await officer.page.getByTestId('request-counts').getByText('issued').waitFor();
    await checkScreen(officer, 'dashboard');

    await openScreen(officer.page, 'Cardholders');
    await officer.page.getByRole('button', { name: 'Add cardholder' }).click();
    const dialog = officer.page.getByRole('dialog', { name: 'Add a cardholder' });
    await dialog.getByLabel('Name', { exact: true }).fill(holder);
    await dialog.getByLabel('E-mail').fill('console.holder@example.org');
    await dialog.getByLabel('User principal name').fill(`holder${Date.now() % 100000}@corp.example`);
    await dialog.getByRole('button', { name: 'Register' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = officer.page.getByRole('row').filter({ hasText: holder });
    await row.getByText('pending').waitFor();
    await checkScreen(officer, 'cardholders');

    // The officer cannot approve their own registration: the console says so and the button is off.
    await openScreen(officer.page, 'Approvals');
    const own = officer.page.getByRole('article', { name: `Register cardholder ${holder}` });
    await own.waitFor();
    expect(await own.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    await logIn(second.page, s.second.username);
    await openScreen(second.page, 'Approvals');
    const item = second.page.getByRole('article', { name: `Register cardholder ${holder}` });
    await item.waitFor();
    await checkScreen(second, 'approvals');
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.waitFor({ state: 'detached' });

    await openScreen(officer.page, 'Cardholders');
    await officer.page.getByRole('row').filter({ hasText: holder }).getByText('active').waitFor();
  }, 120_000);

  it('issues a card and follows it live until it is issued, then sees it on the readers view', async () => {
    await openScreen(officer.page, 'Issue cards');
    await officer.page.getByLabel('Search cardholders to issue to').fill(holder);
    await officer.page.getByLabel(`Issue a card to ${holder}`).check();
    await officer.page.getByRole('button', { name: 'Issue 1 card' }).click();
    const progress = officer.page.getByRole('table', { name: 'Cards in progress' });
    await progress.getByRole('row').filter({ hasText: holder }).waitFor();
    const requestId = (await progress.getByRole('row').filter({ hasText: holder }).getAttribute('data-request'))!;
    await waitForRequests(s.db, [requestId], ['awaiting-card'], 60_000);
    // A blank software card goes into the first reader of workstation 0; the worker personalises it.
    const reader = testReader(0, 0);
    const fed = feedCards(s.db, [reader], 1, { timeoutMs: 150_000 });
    await progress
      .getByRole('row')
      .filter({ hasText: holder })
      .getByTestId('card-state')
      .filter({ hasText: 'issued' })
      .waitFor({ timeout: 150_000 });
    await officer.page.getByText('Every card has finished.').waitFor();
    await checkScreen(officer, 'issue');
    const [card] = await fed;

    await openScreen(officer.page, 'Readers');
    const line = officer.page.locator(`[data-workstation="0"] [data-reader="${reader.name}"]`);
    await line.getByText(card.serial).waitFor();
    await line.getByTestId('reader-card-state').filter({ hasText: 'issued' }).waitFor();
    await checkScreen(officer, 'readers');

    await officer.page.goto('/');
    await logIn(officer.page, s.officer);
    await openScreen(officer.page, 'Requests');
    await officer.page.getByRole('link', { name: holder }).first().click();
    await officer.page.getByRole('heading', { level: 2, name: 'Request' }).waitFor();
    await officer.page.getByRole('table', { name: 'Steps' }).getByText('claim').first().waitFor();
    await checkScreen(officer, 'request');

    await openScreen(officer.page, 'Cards');
    await officer.page.getByLabel('Search cards').fill(card.serial);
    await officer.page.getByRole('link', { name: card.serial }).click();
    await officer.page.getByRole('heading', { level: 2, name: `Card ${card.serial}` }).waitFor();
    await officer.page.getByRole('table', { name: 'Certificates' }).getByText('valid').first().waitFor();
    await officer.page.getByRole('table', { name: 'VSC versions' }).getByRole('row').nth(1).waitFor();
    await checkScreen(officer, 'card');

    await openScreen(officer.page, 'Archive volumes');
    await officer.page.getByRole('button', { name: 'Reconcile' }).click();
    await officer.page.getByText(/issued card\(s\)/).waitFor();
    await checkScreen(officer, 'archive');

    expect([officer.cspViolations, officer.pageErrors, second.cspViolations, second.pageErrors]).toEqual([[], [], [], []]);
  }, 240_000);
});
