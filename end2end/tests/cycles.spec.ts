import { expect, test } from '@playwright/test';
import { AMBASSADOR, createCycle, day, hydrated, saveSignIn } from './support';

// The ambassador, signed in once for the file.
const STATE = '../target/e2e/cycles-maya.json';
test.beforeAll(({ browser }) => saveSignIn(browser, AMBASSADOR, STATE));
test.use({ storageState: STATE });

test('the ambassador creates a cycle; a bad end date is named and the typed name stays', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Cycles' }).click();
  await hydrated(page);
  const form = page.getByRole('region', { name: 'New cycle' });

  await form.getByLabel('Name', { exact: true }).fill('H1 2027');
  await form.getByLabel('First day').fill('2027-01-01');
  await form.getByLabel('Last day').fill('2026-12-01');
  await form.getByRole('button', { name: 'Create cycle' }).click();
  await expect(page.locator('#new-cycle-end-error')).toHaveText('The end must come after the start.');
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('H1 2027');

  await form.getByLabel('Last day').fill('2027-06-30');
  await form.getByRole('button', { name: 'Create cycle' }).click();
  const cycles = page.getByRole('list', { name: 'Cycles' });
  const row = cycles.getByRole('listitem').filter({ hasText: 'H1 2027' });
  await expect(row).toContainText('1 Jan – 30 Jun 2027');
  await expect(row).toContainText('Upcoming');

  await row.getByRole('link', { name: 'Open board' }).click();
  await expect(page.getByRole('heading', { name: 'H1 2027', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Draft column' }).getByRole('article')).toHaveCount(0);
});

test("in a cycle's retrospective window, its open objectives are listed per unit and closed right there", async ({ page }) => {
  const title = 'Shift handovers lose nothing';
  await page.goto('/cycles');
  await hydrated(page);
  // Ends in two days: the last week of a cycle is its retrospective window.
  const row = await createCycle(page, 'Handover sprint', day(-60), day(2));
  await expect(row.locator('.phase')).toHaveText('Retrospective');
  await expect(row.getByRole('region', { name: 'Still open' })).toContainText('This cycle has no objectives.');

  await row.getByRole('link', { name: 'Open board' }).click();
  await expect(page.getByRole('heading', { name: 'Handover sprint', level: 1 })).toBeVisible();
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  // An empty board opens with its "Add an objective" form.
  await page.getByLabel('Objective', { exact: true }).fill(title);
  await page.getByLabel('Owning unit').selectOption({ label: 'Engineering › Web' });
  await page.getByLabel('Kind').selectOption({ label: 'Aspirational' });
  await page.getByRole('button', { name: 'Add objective' }).click();
  await expect(page.getByRole('region', { name: 'Draft column' }).getByRole('article', { name: `Objective: ${title}` })).toBeVisible();
  const board = page.url();

  await page.goto('/cycles');
  await hydrated(page);
  const open = page.getByRole('list', { name: 'Cycles' }).getByRole('listitem').filter({ hasText: 'Handover sprint' })
    .getByRole('region', { name: 'Still open' });
  await expect(open.getByRole('heading', { name: 'Engineering › Web' })).toBeVisible();
  await open.getByRole('button', { name: `Close ${title}`, exact: true }).click();
  const form = open.getByRole('form', { name: `Close ${title}` });
  await form.getByLabel('Final score (0.0–1.0)').fill('0.5');
  await expect(form.getByText('0.5 — short of the 0.7 an aspirational goal aims for')).toBeVisible();
  await form.getByLabel('What did not go well').fill('The handover template came too late in the quarter');
  await form.getByLabel('Lessons learned').fill('Agree on the template before the first shift change');
  // Tags: Enter and comma add a chip; a chip's button and Backspace remove one.
  const tags = form.getByLabel('Tags', { exact: true });
  const chips = form.getByRole('list', { name: 'Tags of this note' });
  await tags.fill('Handover');
  await tags.press('Enter');
  await tags.fill('typo,');
  await tags.fill('rota');
  await tags.press('Enter');
  await expect(chips.getByRole('listitem')).toHaveText(['#handover', '#typo', '#rota'].map((t) => new RegExp(t)));
  await form.getByRole('button', { name: 'Remove tag typo' }).click();
  await tags.press('Backspace');
  await expect(chips.getByRole('listitem')).toHaveText([/#handover/]);
  await form.getByRole('button', { name: 'Close with this note' }).click();
  await expect(open).toContainText('Every objective of this cycle is closed');

  // Its lessons are one click away, with the one tag it kept.
  await open.getByRole('link', { name: 'Lessons learned' }).click();
  const hit = page.locator('.lesson').filter({ hasText: title });
  await expect(hit).toContainText('Agree on the template before the first shift change');
  await expect(hit).toContainText('#handover');
  await expect(hit).not.toContainText('#rota');

  // On the board the card is closed, its score in the colour of "short".
  await page.goto(board);
  await hydrated(page);
  const closed = page.getByRole('region', { name: 'Closed column' }).getByRole('article', { name: `Objective: ${title}` });
  const score = closed.locator('.score');
  await expect(score).toContainText('0.5');
  await expect(score).toHaveClass(/score-short/);
  await expect(score).toHaveCSS('color', 'rgb(138, 90, 0)');
  // Planning advice (it has no whys) is over once it is closed.
  await expect(closed.getByRole('list', { name: 'Warnings' })).toHaveCount(0);
});
