import { test, expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, openCurrentBoard, saveSignIn, signIn } from './support';

// Closing notes and the lessons-learned database: close from the board with
// a note, find it by a word of its lessons (highlighted), filter by unit,
// search without WebAssembly, and meet related lessons while drafting.

function card(page: Page, column: string, title: string) {
  return page.getByRole('region', { name: `${column} column` }).getByRole('article', { name: `Objective: ${title}` });
}

// Support's lead (who may close Support's objective), signed in once for
// the file.
const SAM = 'sam@northstar.demo';
const STATE = '../target/e2e/lessons-sam.json';
test.beforeAll(({ browser }) => saveSignIn(browser, SAM, STATE));
test.use({ storageState: STATE });

const TITLE = 'Customers get answers the same day';
const LESSON = 'A shared weekend roster with sales kept first replies under a day';

test('an objective is closed from its board card with a closing note, and other boards see it move', async ({ page, context }) => {
  await openCurrentBoard(page);
  // A second board, open in another tab, follows live.
  const other = await context.newPage();
  await other.goto(page.url());
  await hydrated(other);
  await expect(card(other, 'Active', TITLE)).toBeVisible();

  const active = card(page, 'Active', TITLE);
  await active.getByRole('button', { name: `Close ${TITLE}` }).click();
  const form = active.getByRole('form', { name: `Close ${TITLE}` });
  const score = form.getByLabel('Final score (0.0–1.0)');
  // Prefilled with the objective's progress, judged against its kind as typed.
  await expect(score).toHaveValue(/^\d\.\d$/);
  await score.fill('0.8');
  await expect(form.getByText('0.8 — short of the 1.0 a committed goal promises')).toBeVisible();
  await form.getByLabel('What went well').fill('Replies got faster in the second month');

  // Without lessons the note is refused beside the field; what was typed stays.
  await form.getByRole('button', { name: 'Close with this note' }).click();
  await expect(form.getByRole('alert').filter({ hasText: 'Write down what was learned' })).toBeVisible();
  await expect(form.getByLabel('What went well')).toHaveValue('Replies got faster in the second month');

  await form.getByLabel('Lessons learned').fill(LESSON);
  await form.getByLabel('Tags', { exact: true }).fill('Weekend Roster');
  await form.getByLabel('Tags', { exact: true }).press('Enter');
  await expect(form.getByRole('list', { name: 'Tags of this note' })).toContainText('#weekend-roster');
  await form.getByRole('button', { name: 'Close with this note' }).click();

  const closed = card(page, 'Closed', TITLE);
  await expect(closed).toBeVisible();
  await expect(closed.getByText('0.8')).toBeVisible();
  await expect(card(page, 'Active', TITLE)).toHaveCount(0);
  await expect(card(other, 'Closed', TITLE)).toBeVisible();
  await expect(card(other, 'Active', TITLE)).toHaveCount(0);
  await other.close();
});

test("the note's author edits it on the objective page; the earlier version is kept", async ({ page }) => {
  await page.goto('/lessons?q=weekend+roster');
  await page.getByRole('link', { name: TITLE }).click();
  await expect(page.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  await hydrated(page);
  const note = page.getByRole('region', { name: 'Closing note' });
  await expect(note).toContainText('short of the 1.0 a committed goal promises');
  await note.getByRole('button', { name: 'Edit the note' }).click();
  const form = note.getByRole('form', { name: 'Edit the closing note' });
  // Emptied lessons are refused beside the field; the other text stays.
  await form.getByLabel('Lessons learned').fill('');
  await form.getByRole('button', { name: 'Save the note' }).click();
  await expect(form.getByRole('alert').filter({ hasText: 'Write down what was learned' })).toBeVisible();
  await expect(form.getByLabel('What went well')).toHaveValue('Replies got faster in the second month');
  await form.getByLabel('Lessons learned').fill('Start the weekend roster two weeks before the peak');
  await form.getByRole('button', { name: 'Save the note' }).click();
  await expect(note).toContainText('Start the weekend roster two weeks before the peak');
  await note.getByText('Earlier versions (1)').click();
  await expect(note.locator('.revision')).toContainText(LESSON);
});

test('a search finds a lesson by a word of it, highlighted, and keeps the search in the URL', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Lessons' })).toBeVisible();
  await page.getByRole('link', { name: 'Lessons' }).click();
  await expect(page.getByRole('heading', { name: 'Lessons learned', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Most recent lessons' })).toBeVisible();

  // Searches as one types (a prefix is enough), once typing pauses.
  await page.getByRole('searchbox', { name: 'Search lessons' }).pressSequentially('roste', { delay: 40 });
  await expect(page).toHaveURL(/\/lessons\?q=roste$/);
  const results = page.getByRole('list').filter({ has: page.locator('.lesson') });
  await expect(results.getByRole('listitem').filter({ has: page.locator('.lesson-title') })).toHaveCount(1);
  await expect(results.getByRole('link', { name: TITLE })).toBeVisible();
  await expect(results.locator('mark').first()).toHaveText(/^roster$/i);

  // The URL is the search: opened as a link, it shows the same.
  await page.goto('/lessons?q=weekend+roster');
  await expect(page.getByRole('searchbox', { name: 'Search lessons' })).toHaveValue('weekend roster');
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();
  await expect(page.locator('.lesson mark').first()).toHaveText(/weekend|roster/);
});

test('filters by unit narrow a search, a department including its teams', async ({ page }) => {
  await page.goto('/');
  await page.goto('/lessons?q=onboarding');
  await hydrated(page);
  const titles = page.locator('.lesson-title');
  // Web's launch and Engineering's own onboarding objective.
  await expect(titles).toHaveCount(2);
  await page.getByLabel('Unit').selectOption({ label: 'Engineering › Web' });
  await expect(page).toHaveURL(/unit=\d+/);
  await expect(titles).toHaveCount(1);
  await expect(titles.first()).toHaveText('Launch the new onboarding flow');
  await page.getByLabel('Unit').selectOption({ label: 'Engineering' });
  await expect(titles).toHaveCount(2);
  await page.getByLabel('Outcome').selectOption({ label: 'Not achieved' });
  await expect(page.getByRole('status').filter({ hasText: 'No lesson matches' })).toBeVisible();
});

test('the lessons page works as a plain form without WebAssembly', async ({ page, browser }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Lessons' })).toBeVisible();
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const noscript = await plain.newPage();
  await noscript.goto('/lessons');
  await noscript.getByRole('searchbox', { name: 'Search lessons' }).fill('latency');
  await noscript.getByRole('searchbox', { name: 'Search lessons' }).press('Enter');
  await expect(noscript).toHaveURL(/\/lessons\?q=latency/);
  await expect(noscript.getByRole('link', { name: 'Halve the p95 latency of the public API' })).toBeVisible();
  await expect(noscript.locator('.lesson mark').first()).toHaveText('latency');
  await plain.close();
});

test('typing a new objective title brings up a related lesson', async ({ page }) => {
  await openCurrentBoard(page);
  await page.getByText('Add an objective').click();
  const related = page.getByRole('complementary', { name: 'Lessons from earlier objectives' });
  await expect(related).toContainText('Type a title');
  await page.getByLabel('Objective', { exact: true }).pressSequentially('Faster API latency for partners', { delay: 20 });
  await expect(related.getByRole('link', { name: 'Halve the p95 latency of the public API' })).toBeVisible();
  await expect(related.locator('mark').first()).toBeVisible();

});

test("on a draft's own page, related lessons follow its title as it is edited", async ({ browser }) => {
  // Discovery's draft is edited by people of Discovery.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, 'noor@northstar.demo', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await openCurrentBoard(page);
  await page.getByRole('link', { name: 'Open We know why trials stall' }).click();
  await expect(page.getByRole('heading', { name: 'We know why trials stall', level: 1 })).toBeVisible();
  await hydrated(page);
  const beside = page.getByRole('complementary', { name: 'Lessons from earlier objectives' });
  const title = page.getByRole('form', { name: 'Edit the draft' }).getByLabel('Title');
  await title.fill('');
  await title.pressSequentially('Interview customers about reporting', { delay: 20 });
  await expect(beside.getByRole('link', { name: 'Interview 40 customers about reporting needs' })).toBeVisible();
  await context.close();
});
