import { expect, test, type Page } from '@playwright/test';
import { AMBASSADOR, liveBoardOf } from './support';

// Two units write the same goal in other words; the map finds the overlap
// and Maya makes it one shared objective: one card on the board, owned by
// the first unit and shared with the second, with both key results.

const FIRST = 'Reduce customer churn at renewal';
const SECOND = 'Fewer customers churn at renewal';

function card(page: Page, title: string) {
  return page.getByRole('article', { name: `Objective: ${title}` });
}

async function draft(page: Page, title: string, unit: string, keyResult: string) {
  // The form stays open after an objective is added.
  const field = page.getByLabel('Objective', { exact: true });
  if (!(await field.isVisible())) await page.getByText('Add an objective').click();
  await field.fill(title);
  await page.getByLabel('Owning unit').selectOption({ label: unit });
  await page.getByRole('button', { name: 'Add objective' }).click();
  const added = card(page, title);
  await expect(added).toBeVisible();
  await added.getByText('Actions').click();
  const form = added.getByRole('group', { name: /Add a key result/ });
  await form.getByLabel('Key result').fill(keyResult);
  await form.getByLabel('Start').fill('5');
  await form.getByLabel('Target').fill('2');
  await form.getByRole('button', { name: 'Add key result' }).click();
  await expect(added.getByRole('list', { name: 'Key results' })).toContainText(keyResult);
  await added.getByText('Actions').click();
}

test('merging an overlap leaves one shared objective on the board', async ({ browser }) => {
  const maya = await liveBoardOf(browser, AMBASSADOR);
  await draft(maya, FIRST, 'Customer Success › Support', 'Churn at renewal below 2 %');
  await draft(maya, SECOND, 'Product › Design', 'Renewal churn from 5 % to 2 %');
  const board = maya.url();

  await maya.getByRole('link', { name: 'Alignment map' }).click();
  await expect(maya.getByRole('heading', { name: 'Alignment map', level: 1 })).toBeVisible();
  const overlaps = maya.getByRole('list', { name: 'Overlaps' });
  const pair = overlaps.getByRole('listitem').filter({ hasText: FIRST }).filter({ hasText: SECOND });
  await expect(pair).toBeVisible();
  await expect(pair).toContainText('% alike');
  // Picking it lights the two boxes (and dims the rest).
  await pair.getByRole('button', { name: /look like the same goal/ }).click();
  await expect(pair.getByRole('button', { name: /look like the same goal/ })).toHaveAttribute('aria-pressed', 'true');
  await maya.screenshot({ path: '../target/e2e/map-overlap.png' });

  await pair.getByRole('button', { name: 'Make it one shared objective' }).click();
  await pair.getByRole('group', { name: 'Merge the two objectives' }).getByRole('button', { name: 'Merge' }).click();
  await expect(overlaps.getByRole('listitem').filter({ hasText: SECOND })).toHaveCount(0);
  await expect(maya.locator('a.map-node').filter({ hasText: 'Fewer customers' })).toHaveCount(0);

  await maya.goto(board);
  await expect(card(maya, FIRST)).toBeVisible();
  await expect(card(maya, SECOND)).toHaveCount(0);
  await expect(card(maya, FIRST).getByText('Shared with Product › Design')).toBeVisible();
  const krs = card(maya, FIRST).getByRole('list', { name: 'Key results' });
  await expect(krs).toContainText('Churn at renewal below 2 %');
  await expect(krs).toContainText('Renewal churn from 5 % to 2 %');

  // The objective page tells the story.
  await card(maya, FIRST).getByRole('link', { name: `Open ${FIRST}` }).click();
  await expect(maya.getByRole('region', { name: 'History' })).toContainText(`merged “${SECOND}” (Product › Design) into this objective`);
  await maya.context().close();
});
