import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, openCurrentBoard, ownServer, signIn } from './support';

// These journeys restart the server, so they run their own on another port
// with its own database (the shared one stays up for the other specs).
const own = ownServer(Number(process.env.E2E_SCREEN_PORT ?? 3101), '../target/e2e/screens.db');
const { base } = own;
const start = () => own.start();
const healthy = () => own.healthy();
const stop = () => own.stop();

test.use({ baseURL: base });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  own.fresh();
  start();
  await healthy();
});

test.afterAll(stop);

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
async function openScreen(browser: Browser, path: string) {
  const tv = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
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
