import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';

export const DEMO_PASSWORD = 'northstar-demo';
export const AMBASSADOR = 'maya@northstar.demo';

let nudge = 0;

/**
 * Waits until the WebAssembly has hydrated the page, so clicks run in the
 * app. A board loaded afresh is read before it loads its editor, and wakes
 * when a person reaches for it: the mouse moves over the page first, as a
 * person's would (`app/src/assets/hydrate.js`).
 */
export async function hydrated(page: Page) {
  nudge = (nudge + 1) % 8;
  await page.mouse.move(2 + nudge, 2 + nudge);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.locator('[data-wake-socket]:not([data-awake])')).toHaveCount(0);
}

/**
 * Signs a demo account in once and keeps its session at `path`, for a file
 * whose journeys then share it (`test.use({ storageState: path })`): the
 * sign-in limiter allows an account five sign-ins at once, then one a
 * minute, and several files sign the same people in.
 */
export async function saveSignIn(browser: Browser, email: string, path: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await context.storageState({ path });
  await context.close();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Northstar' })).toBeVisible();
}

/**
 * Opens the board of the cycle in execution (the demo's current quarter;
 * other journeys add cycles of their own) from the cycles page, once that
 * page has settled: its last parts to load are the retrospective lists of
 * the cycles past their execution.
 */
export async function openCurrentBoard(page: Page) {
  await page.goto('/cycles');
  await hydrated(page);
  const retrospectives = page.getByRole('region', { name: 'Still open' });
  await expect(retrospectives.first()).toBeVisible();
  await expect(retrospectives.getByText('Loading…')).toHaveCount(0);
  const running = page.getByRole('listitem').filter({ hasText: 'Execution' });
  await running.getByRole('link', { name: 'Open board' }).click();
  await expect(page.getByRole('region', { name: 'Active column' })).toBeVisible({ timeout: 20_000 });
  await hydrated(page);
}

/** A person's own browser, signed in, on the current board once it is live. */
export async function liveBoardOf(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  return page;
}

/** Waits until a Northstar at `base` answers its health check (20 s at most). */
export async function healthyAt(base: string) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no Northstar came up at ${base}`);
}

/**
 * A Northstar of a spec's own, on `port` with a fresh demo database, for
 * journeys that change what other specs count on (or restart the server).
 */
export function ownServer(port: number, database: string) {
  let server: ChildProcess | undefined;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    start() {
      server = spawn(
        '../target/release/northstar',
        ['serve', '--demo', '--addr', `127.0.0.1:${port}`, '--database-url', `sqlite://${database}`],
        { stdio: 'ignore', env: { ...process.env, RUST_LOG: 'warn' } },
      );
    },
    fresh() {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    },
    healthy: () => healthyAt(base),
    async stop() {
      if (server && server.exitCode === null) {
        const exited = once(server, 'exit');
        server.kill('SIGTERM');
        await exited;
      }
      server = undefined;
    },
  };
}

/**
 * Runs the calling spec file's journeys on `own`, one after another: a
 * fresh database and a started server before the first, stopped after the
 * last. Call it at the top of the file.
 */
export function journeysOn(own: ReturnType<typeof ownServer>) {
  test.use({ baseURL: own.base });
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    own.fresh();
    own.start();
    await own.healthy();
  });
  test.afterAll(() => own.stop());
}

/**
 * What axe-core finds wrong with the colour contrast of the page as it is
 * shown once its fades have ended (hidden views are not checked: show each
 * in turn), one line per element: its selector and axe's message.
 */
export async function contrastViolations(page: Page): Promise<string[]> {
  // Text fading in is not yet at its contrast; endless motion never settles.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? violation.help}`),
  );
}

/** A day `offset` days from today (negative: before), as a date input takes it. */
export function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Creates a cycle from the cycles page's form; its row in the list. */
export async function createCycle(page: Page, name: string, first: string, last: string) {
  const form = page.getByRole('region', { name: 'New cycle' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('First day').fill(first);
  await form.getByLabel('Last day').fill(last);
  await form.getByRole('button', { name: 'Create cycle' }).click();
  return page.getByRole('list', { name: 'Cycles' }).getByRole('listitem').filter({ hasText: name });
}
