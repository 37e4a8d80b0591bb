import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '@scm/test-kit';

const ROOT = join(__dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'docs', 'console');

/** Fails early, with the fix, when the console was not built (npm run build makes dist/console). */
export function requireBuiltConsole(): void {
  if (!existsSync(join(ROOT, 'dist', 'console', 'index.html'))) throw new Error('dist/console is missing: run "npm run build" first');
}

/** Debian's chromium, headless (scripts/setup installs it; no browser download). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.SCM_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'], headless: true });
}

export interface ConsolePage {
  page: Page;
  /** Content-Security-Policy violations the page reported (securitypolicyviolation events and console errors). */
  cspViolations: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A fresh browser context and page that records CSP violations and page errors. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  await page.exposeFunction('__scmCspViolation', (v: string) => cspViolations.push(v));
  // Page code as a string: the tests compile without the DOM's types.
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => window.__scmCspViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '') + ' at ' + location.pathname));",
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, cspViolations, pageErrors, close: () => context.close() };
}

/** Logs in through the login screen and waits for the shell. */
export async function logIn(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('username').waitFor();
}

/** Opens a screen from the navigation and waits for its heading. */
export async function openScreen(page: Page, nav: string, heading = nav): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: nav, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: heading }).waitFor();
}

/** axe-core on the page as it is: the serious and critical violations (rule id and first target). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // A colour read halfway through a CSS transition (a dialog or a button fading in) is not what the
  // user reads: a page found wanting is checked once more after the transitions (Mantine's: 150–250 ms).
  let found = await serious();
  if (found.length) {
    await new Promise((r) => setTimeout(r, 800));
    found = await serious();
  }
  return found.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
}

/** Saves a screenshot of the page as docs/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Milliseconds from navigating to a screen until `ready` shows (time to usable, printed by the tests). */
export async function timeToUsable(page: Page, path: string, ready: () => Promise<void>): Promise<number> {
  const t0 = Date.now();
  await page.goto(path);
  await ready();
  return Date.now() - t0;
}
