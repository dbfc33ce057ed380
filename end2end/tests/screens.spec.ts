import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import {
  AMBASSADOR,
  DEMO_PASSWORD,
  contrastViolations,
  hydrated,
  openCurrentBoard,
  journeysOn,
  ownServer,
  signIn,
} from './support';

// These journeys restart the server, so they run their own on another port
// with its own database (the shared one stays up for the other specs).
const own = ownServer(Number(process.env.E2E_SCREEN_PORT ?? 3101), '../target/e2e/screens.db');
const { base } = own;
const start = () => own.start();
const healthy = () => own.healthy();
const stop = () => own.stop();

journeysOn(own);

/** The ambassador adds an office screen; returns its address. */
async function addScreen(page: Page, name: string): Promise<string> {
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/admin/screens');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Seconds per view').fill('60');
  await page.getByRole('button', { name: 'Add screen' }).click();
  const address = page.locator('a.screen-address');
  await expect(address).toBeVisible();
  return (await address.getAttribute('href'))!;
}

/** Opens a screen address in its own browser context, like a TV would. */
async function openScreen(browser: Browser, path: string, options: BrowserContextOptions = {}) {
  const tv = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 }, ...options });
  const screen = await tv.newPage();
  await screen.goto(path);
  await hydrated(screen);
  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  // Survives only if the page is never reloaded.
  await screen.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  return screen;
}

function platformProgress(screen: Page) {
  return screen.locator('.leaderboard-row[data-unit="Platform"] .progress-value');
}

/** Priya checks in on "Deploy time" from the objective page. */
async function checkIn(page: Page, value: string, problems: string) {
  await openCurrentBoard(page);
  await page.getByRole('link', { name: 'Open Deploys are boring' }).click();
  await expect(page.getByRole('heading', { name: 'Deploys are boring', level: 1 })).toBeVisible();
  await hydrated(page);
  const panel = page.getByRole('article', { name: 'Deploy time' });
  await panel.getByRole('button', { name: 'Check in' }).click();
  await panel.getByLabel('New value').fill(value);
  await panel.getByLabel(/Confidence/).fill('8');
  await panel.getByLabel('Progress', { exact: true }).fill('Pipelines cached.');
  await panel.getByLabel('Problems').fill(problems);
  await panel.getByRole('button', { name: 'Save check-in' }).click();
  await expect(panel.getByRole('listitem').filter({ hasText: problems }).first()).toBeVisible();
}

test('a check-in on the objective page reaches an office screen without a reload', async ({ page, browser }) => {
  const path = await addScreen(page, 'Lobby TV');
  const screen = await openScreen(browser, path);
  await expect(screen.getByRole('heading', { level: 1 })).toHaveText(/Q\d \d{4}/);
  await expect(platformProgress(screen)).toHaveText('63%');
  await screen.screenshot({ path: '../target/e2e/screen-1080p.png' });

  const member = await browser.newContext({ baseURL: base });
  const priya = await member.newPage();
  await signIn(priya, 'priya@northstar.demo', DEMO_PASSWORD);
  await expect(priya.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  // A bad value is named beside the field and nothing is lost.
  await openCurrentBoard(priya);
  await priya.getByRole('link', { name: 'Open Deploys are boring' }).click();
  await hydrated(priya);
  const panel = priya.getByRole('article', { name: 'Deploy time' });
  await panel.getByRole('button', { name: 'Check in' }).click();
  await panel.getByLabel('New value').fill('ten');
  await panel.getByLabel('Plans').fill('Cache the test images.');
  await panel.getByRole('button', { name: 'Save check-in' }).click();
  await expect(panel.getByText('Enter a number, like 42 or 12.5.')).toBeVisible();
  await expect(panel.getByLabel('Plans')).toHaveValue('Cache the test images.');
  await panel.getByRole('button', { name: 'Cancel' }).click();

  await checkIn(priya, '10', 'Flaky integration tests.');
  // Deploy time reached its target: Platform goes from 63% to 80%, live.
  await expect(platformProgress(screen)).toHaveText('80%');
  expect(await screen.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  await member.close();
  await screen.context().close();
});

test('a screen keeps its data through a server restart and shows the latest after reconnecting', async ({ page, browser }) => {
  const path = await addScreen(page, 'Kitchen TV');
  const screen = await openScreen(browser, path);
  const before = await platformProgress(screen).textContent();

  await stop();
  await expect(screen.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
  await expect(platformProgress(screen)).toHaveText(before!);

  start();
  await healthy();
  // A change right after the restart, while the screen is still backing off.
  const member = await browser.newContext({ baseURL: base });
  const priya = await member.newPage();
  await signIn(priya, 'priya@northstar.demo', DEMO_PASSWORD);
  await expect(priya.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await checkIn(priya, '22', 'Back to where we were.');

  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 15_000 });
  await expect(platformProgress(screen)).toHaveText('63%');
  expect(await screen.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  await member.close();
  await screen.context().close();
});

test('an office screen first loads in under 250 KB, as sent', async ({ page, browser }) => {
  const path = await addScreen(page, 'Light TV');
  const tv = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
  const screen = await tv.newPage();
  await screen.goto(path);
  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const sent = await screen.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .map((entry) => (entry as PerformanceResourceTiming).encodedBodySize)
      .reduce((sum, size) => sum + size, 0),
  );
  expect(sent).toBeGreaterThan(1_000);
  expect(sent).toBeLessThan(250_000);
  await tv.close();
});

test('a revoked screen says it has been disconnected; a wrong address is a 404', async ({ page, browser }) => {
  const path = await addScreen(page, 'Hall TV');
  const screen = await openScreen(browser, path);
  await page.getByRole('button', { name: 'Revoke Hall TV' }).click();
  await expect(page.getByRole('row', { name: /Hall TV/ })).toContainText('Revoked');
  await expect(screen.getByText('This screen has been disconnected')).toBeVisible({ timeout: 15_000 });
  await screen.context().close();

  const response = await page.goto(`/screen/${'0'.repeat(64)}`);
  expect(response?.status()).toBe(404);
});

/** The ticker's own items (the screen's script may add a copy to loop them). */
function tickerItems(screen: Page) {
  return screen.locator('.ticker-items:not(.ticker-copy) > li');
}

/** How many endless runs the ticker's line has: 1 while it runs, 0 standing still. */
function tickerRuns(screen: Page) {
  return screen
    .locator('.ticker-rail')
    .evaluate((rail) => rail.getAnimations().filter((run) => run.effect?.getComputedTiming().iterations === Infinity).length);
}

test('a check-in made in another browser appears in the ticker along the bottom, without a reload', async ({ page, browser }) => {
  const path = await addScreen(page, 'Ticker TV');
  const screen = await openScreen(browser, path);
  const still = await openScreen(browser, path, { reducedMotion: 'reduce' });
  // The demo's latest check-ins are longer than the screen is wide: the
  // line runs, except on a screen that asks for reduced motion.
  expect(await tickerRuns(screen)).toBe(1);
  expect(await tickerRuns(still)).toBe(0);
  await expect(still.locator('.ticker-copy')).toHaveCount(0);
  const newest = (await tickerItems(screen).first().getAttribute('data-id'))!;

  const member = await browser.newContext({ baseURL: base });
  const priya = await member.newPage();
  await signIn(priya, 'priya@northstar.demo', DEMO_PASSWORD);
  await expect(priya.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await checkIn(priya, '18', 'Flaky integration tests.');

  for (const tv of [screen, still]) {
    const first = tickerItems(tv).first();
    await expect(first).not.toHaveAttribute('data-id', newest);
    await expect(first).toContainText('Platform');
    await expect(first).toContainText('checked in on Deploy time');
    await expect(first).toBeInViewport();
    // Who checked in and what they wrote stay on the objective page.
    await expect(tv.locator('.ticker')).not.toContainText('Flaky integration tests');
    await expect(tv.locator('.ticker')).not.toContainText('Priya');
    expect(await tv.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  }
  expect(await tickerRuns(screen)).toBe(1);
  expect(await tickerRuns(still)).toBe(0);
  await screen.screenshot({ path: '../target/e2e/screen-ticker-1080p.png' });
  await member.close();
  await screen.context().close();
  await still.context().close();
});

/** Where the screen's parts are, and anything that does not fit. */
function measure(screen: Page) {
  return screen.evaluate(() => {
    const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
    const [head, ticker] = [box('.leaderboard-head'), box('.ticker')];
    const rows = [...document.querySelectorAll('.leaderboard-row')];
    const name = (element: Element) => `${element.className || element.tagName}: ${element.textContent}`;
    const [width, height] = [window.innerWidth, window.innerHeight];
    return {
      free: ticker.top - head.bottom,
      rows: rows.reduce((sum, row) => sum + row.getBoundingClientRect().height, 0),
      lowest: Math.max(...rows.map((row) => row.getBoundingClientRect().bottom)),
      tickerTop: ticker.top,
      unitFont: parseFloat(getComputedStyle(document.querySelector('.unit-name')!).fontSize),
      // Anything beyond the viewport (the ticker's line runs past its window on purpose).
      outside: [...document.querySelectorAll('main.screen *')]
        .filter((element) => !element.closest('.ticker-window'))
        .filter((element) => {
          const b = element.getBoundingClientRect();
          return b.width > 0 && (b.left < -0.5 || b.top < -0.5 || b.right > width + 0.5 || b.bottom > height + 0.5);
        })
        .map(name),
      // Text wider than its column, or taller than its row.
      cut: rows.flatMap((row) => {
        const r = row.getBoundingClientRect();
        return [...row.children].filter((cell) => {
          const b = cell.getBoundingClientRect();
          return cell.scrollWidth > cell.clientWidth + 1 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5;
        });
      }).map(name),
      scrolls: document.documentElement.scrollHeight > height || document.documentElement.scrollWidth > width,
    };
  });
}

/** Rows use the height between their head and the ticker, and nothing spills. */
async function expectFilled(screen: Page, label: string) {
  const seen = await measure(screen);
  expect(seen.outside, label).toEqual([]);
  expect(seen.cut, label).toEqual([]);
  expect(seen.scrolls, label).toBe(false);
  expect(seen.rows, `${label}: rows ${seen.rows} of ${seen.free}`).toBeGreaterThan(0.9 * seen.free);
  expect(seen.lowest, label).toBeLessThanOrEqual(seen.tickerTop);
  return seen;
}

const SIZES = [
  [1280, 720],
  [1920, 1080],
  [3840, 2160],
] as const;

test('the screen fills the TV at 720p, 1080p and 4K, and every text passes colour contrast', async ({ page, browser }) => {
  const path = await addScreen(page, 'Any TV');
  for (const [width, height] of SIZES) {
    const label = `${width}×${height}`;
    const screen = await openScreen(browser, path, { viewport: { width, height } });
    const seen = await expectFilled(screen, label);
    // Three units: large type, readable across a room.
    expect(seen.unitFont, label).toBeGreaterThanOrEqual(height / 32);
    expect(await contrastViolations(screen), label).toEqual([]);
    await screen.screenshot({ path: `../target/e2e/screen-${width}x${height}.png` });
    await screen.evaluate(() => ((document.querySelector('main.screen') as HTMLElement).dataset.showing = 'celebrations'));
    await expect(screen.getByRole('region', { name: 'Celebrations' })).toBeVisible();
    expect(await contrastViolations(screen), `${label}, celebrations`).toEqual([]);
    await screen.screenshot({ path: `../target/e2e/screen-celebrations-${width}x${height}.png` });
    await screen.context().close();
  }
  // The signed-in leaderboard passes too.
  await page.goto('/leaderboard');
  await hydrated(page);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  expect(await contrastViolations(page)).toEqual([]);
});

/** Calls a server function as the page's signed-in person, waiting out the write limiter. */
async function call(page: Page, name: string, form: Record<string, string> = {}) {
  for (let tries = 0; ; tries++) {
    const response = await page.request.post(`/api/${name}`, { form, headers: { accept: 'application/json' } });
    if (response.status() === 429 && tries < 50) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    expect(response.ok(), `${name}: ${await response.text()}`).toBeTruthy();
    return response.json();
  }
}

test('with many units ranked, every row still fits the screen', async ({ page, browser }) => {
  const path = await addScreen(page, 'Wall TV');
  const board = await call(page, 'get_leaderboard');
  const added = 15;
  for (let n = 1; n <= added; n++) {
    const unit = await call(page, 'create_unit', { name: `Squad ${n}`, parent_id: '' });
    const id = crypto.randomUUID();
    let objective = await call(page, 'create_objective', {
      id,
      cycle_id: String(board.cycle.id),
      unit_id: String(unit.id),
      title: `Squad ${n} ships weekly`,
      kind: 'committed',
    });
    for (const status of ['proposed', 'active']) {
      objective = await call(page, 'update_objective', {
        id,
        version: String(objective.version),
        field: 'status',
        previous: objective.status,
        value: status,
      });
    }
  }
  const ranked = board.standings.rows.length + added;
  for (const [width, height] of SIZES.slice(0, 2)) {
    const label = `${width}×${height}, ${ranked} units`;
    const screen = await openScreen(browser, path, { viewport: { width, height } });
    await expect(screen.locator('.leaderboard-row')).toHaveCount(ranked);
    await expectFilled(screen, label);
    expect(await contrastViolations(screen), label).toEqual([]);
    await screen.screenshot({ path: `../target/e2e/screen-${ranked}-units-${width}x${height}.png` });
    await screen.context().close();
  }
});
