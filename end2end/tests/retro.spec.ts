import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  AMBASSADOR,
  DEMO_PASSWORD,
  contrastViolations,
  day,
  hydrated,
  openCurrentBoard,
  journeysOn,
  ownServer,
  signIn,
} from './support';

// The end of a cycle: carrying an unfinished objective into the next cycle
// with its lessons, and the retrospective view the leaderboard and office
// screens turn to when the cycle enters its retrospective window. These
// journeys move the current cycle's dates, so they run on a server and
// database of their own.
const own = ownServer(Number(process.env.E2E_RETRO_PORT ?? 3104), '../target/e2e/retro.db');
const { base } = own;
const PRIYA = 'priya@northstar.demo'; // member of Platform

journeysOn(own);

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return page;
}

test('carrying an unfinished objective over shows its lessons on the new draft', async ({ browser }) => {
  const maya = await signedIn(browser, AMBASSADOR);
  await maya.goto('/cycles');
  await hydrated(maya);
  const form = maya.getByRole('region', { name: 'New cycle' });
  await form.getByLabel('Name', { exact: true }).fill('Next quarter');
  await form.getByLabel('First day').fill(day(100));
  await form.getByLabel('Last day').fill(day(190));
  await form.getByRole('button', { name: 'Create cycle' }).click();
  await expect(maya.getByRole('list', { name: 'Cycles' }).getByText('Next quarter')).toBeVisible();

  const priya = await signedIn(browser, PRIYA);
  await openCurrentBoard(priya);
  await priya.getByRole('link', { name: 'Open Deploys are boring' }).click();
  await expect(priya.getByRole('heading', { name: 'Deploys are boring', level: 1 })).toBeVisible();
  await hydrated(priya);
  await priya.getByRole('button', { name: 'Close…' }).click();
  const closing = priya.getByRole('form', { name: 'Close Deploys are boring' });
  await closing.getByLabel('Final score (0.0–1.0)').fill('0.4');
  await closing.getByLabel('What did not go well').fill('Staging was shared with three other teams');
  await closing.getByLabel('Lessons learned').fill('Give staging its own database before promising deploy times');
  await closing.getByRole('button', { name: 'Close with this note' }).click();

  // Closed and unfinished: the page offers to carry it on.
  const offer = priya.getByRole('region', { name: 'Not finished?' });
  await expect(offer).toContainText('Next quarter');
  await priya.screenshot({ path: '../target/e2e/carry-offer.png', fullPage: true });
  await offer.getByRole('button', { name: 'Carry into Next quarter' }).click();

  // The new draft, in the next cycle, with the lessons it was carried with.
  const lessons = priya.getByRole('region', { name: /Lessons from Q\d \d{4}/ });
  await expect(lessons).toContainText('Give staging its own database before promising deploy times');
  await expect(lessons).toContainText('Staging was shared with three other teams');
  await expect(priya.getByRole('heading', { name: 'Deploys are boring', level: 1 })).toBeVisible();
  await expect(priya.locator('.objective-facts .status-badge')).toHaveText('Draft');
  await expect(priya.getByRole('article', { name: 'Deploy time' })).toBeVisible();
  await priya.screenshot({ path: '../target/e2e/carried-draft.png', fullPage: true });
  // Its way back leads to the closed objective, which now says where it went.
  await lessons.getByRole('link', { name: 'Deploys are boring' }).click();
  await expect(priya.getByRole('status').filter({ hasText: 'Carried into Next quarter' })).toBeVisible();

  // On the next cycle's board, the draft is marked as carried over.
  await priya.goto('/cycles');
  await hydrated(priya);
  await priya.getByRole('listitem').filter({ hasText: 'Next quarter' }).getByRole('link', { name: 'Open board' }).click();
  const card = priya.getByRole('region', { name: 'Draft column' }).getByRole('article').filter({ hasText: 'Deploys are boring' });
  await expect(card.getByText('Carried over')).toBeVisible();
  await maya.context().close();
  await priya.context().close();
});

/** The ambassador adds an office screen; returns its address. */
async function addScreen(page: Page): Promise<string> {
  await page.goto('/admin/screens');
  await hydrated(page);
  await page.getByLabel('Name').fill('Lobby TV');
  await page.getByLabel('Seconds per view').fill('60');
  await page.getByRole('button', { name: 'Add screen' }).click();
  const address = page.locator('a.screen-address');
  await expect(address).toBeVisible();
  return (await address.getAttribute('href'))!;
}

test('the retrospective view appears on an office screen when the cycle enters its retrospective window', async ({ browser }) => {
  const maya = await signedIn(browser, AMBASSADOR);
  const path = await addScreen(maya);
  const tv = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
  const screen = await tv.newPage();
  await screen.goto(path);
  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await screen.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await expect(screen.locator('[data-part="headline"]')).toContainText('Expected today');
  await expect(screen.locator('.leaderboard[data-view="standings"]')).toBeVisible();

  // The ambassador moves the current cycle's end close: its last week is
  // its retrospective window, and that starts now.
  await maya.goto('/cycles');
  await hydrated(maya);
  const cycles = maya.getByRole('list', { name: 'Cycles' }).getByRole('listitem');
  const name = (await cycles.filter({ hasText: 'Execution' }).getByRole('heading').textContent())!.trim();
  // Found by its name: its phase is about to change.
  const current = cycles.filter({ has: maya.getByRole('heading', { name, exact: true }) });
  await current.getByText('Edit', { exact: true }).click();
  await current.getByLabel('First day').fill(day(-30));
  await current.getByLabel('Last day').fill(day(3));
  await current.getByLabel('Planning days').fill('0');
  await current.getByLabel('Retrospective days').fill('7');
  await current.getByRole('button', { name: 'Save cycle' }).click();
  await expect(current.locator('.phase')).toHaveText('Retrospective');

  // The screen turns to the retrospective without a reload.
  await expect(screen.locator('.leaderboard[data-view="retro"]')).toBeVisible();
  await expect(screen.locator('[data-part="headline"]')).toContainText('Retrospective');
  await expect(screen.locator('.leaderboard-row[data-unit="Platform"] .progress-value')).toHaveText(/^1 of \d+$/);
  await screen.screenshot({ path: '../target/e2e/screen-retro-1080p.png' });
  expect(await contrastViolations(screen)).toEqual([]);

  // A success closed on the cycle page is celebrated on the screen, with its score.
  await current.getByRole('heading').getByRole('link').click();
  const retro = maya.getByRole('region', { name: 'Retrospective' });
  await expect(retro.getByText('Customers get answers the same day')).toBeVisible();
  await hydrated(maya);
  await expect(maya.getByRole('region', { name: 'Completing the cycle' })).toContainText('still open');
  await retro.getByRole('button', { name: 'Close Customers get answers the same day', exact: true }).click();
  const closing = retro.getByRole('form', { name: 'Close Customers get answers the same day' });
  await closing.getByLabel('Final score (0.0–1.0)').fill('1.0');
  await closing.getByLabel('What went well').fill('A rota everyone agreed to');
  await closing.getByLabel('Lessons learned').fill('Name an owner for the overflow queue on day one');
  await closing.getByRole('button', { name: 'Close with this note' }).click();
  await expect(retro.getByRole('status').filter({ hasText: 'Closed with its note.' })).toBeVisible();
  await maya.screenshot({ path: '../target/e2e/cycle-retro.png', fullPage: true });

  const successes = screen.locator('.celebrations-retro');
  await expect(successes).toContainText('Customers get answers the same day');
  await expect(successes.locator('.success .score-number')).toHaveText('1.0');
  // The ticker tells the closing first, with its score and not its note.
  const newest = screen.locator('.ticker-items:not(.ticker-copy) > li').first();
  await expect(newest).toContainText('Support');
  await expect(newest).toContainText('closed Customers get answers the same day · score 1.0');
  await expect(screen.locator('.ticker')).not.toContainText('A rota everyone agreed to');
  await screen.evaluate(() => {
    (document.querySelector('main.screen') as HTMLElement).dataset.showing = 'celebrations';
  });
  await expect(successes).toBeVisible();
  await screen.screenshot({ path: '../target/e2e/screen-retro-successes-1080p.png' });
  expect(await contrastViolations(screen)).toEqual([]);
  expect(await screen.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  // The signed-in leaderboard shows the same.
  await maya.goto('/leaderboard');
  await expect(maya.locator('.leaderboard[data-view="retro"]')).toBeVisible();
  await expect(maya.locator('.leaderboard-headline')).toContainText('Retrospective');
  await maya.screenshot({ path: '../target/e2e/leaderboard-retro.png', fullPage: true });
  expect(await contrastViolations(maya)).toEqual([]);
  await tv.close();
  await maya.context().close();
});
