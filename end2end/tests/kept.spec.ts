import { expect, test, type Page } from '@playwright/test';
import { AMBASSADOR, liveBoardOf } from './support';

// A card that moves to another column is built anew there. What was open
// on it comes along: an inline editor with its text (a colleague proposed
// the objective), and a check-in and a closing note that were being written
// when a colleague closed it — kept, with who closed it.

const TITLE = 'Night-shift tickets get a morning answer';
const RENAMED = `${TITLE} by nine`;
const KR = 'Night tickets answered before nine';
const SAM = 'sam@northstar.demo';

function card(page: Page, column: string, title: string) {
  return page.getByRole('region', { name: `${column} column` }).getByRole('article', { name: `Objective: ${title}` });
}

async function move(page: Page, column: string, title: string, verb: string) {
  const on = card(page, column, title);
  const button = on.getByRole('button', { name: `${verb}: ${title}` });
  // The menu stays open on a card that moved, as every open part does.
  if (!(await button.isVisible())) await on.getByText('Actions').click();
  await button.click();
}

test("open editors and forms come along when a colleague moves or closes the objective", async ({ browser }) => {
  const maya = await liveBoardOf(browser, AMBASSADOR);
  const sam = await liveBoardOf(browser, SAM);

  // Maya adds a draft for Support; Sam (Support's lead) gives it a key result.
  await maya.getByText('Add an objective').click();
  await maya.getByLabel('Objective', { exact: true }).fill(TITLE);
  await maya.getByLabel('Owning unit').selectOption({ label: 'Customer Success › Support' });
  await maya.getByRole('button', { name: 'Add objective' }).click();
  const draft = card(sam, 'Draft', TITLE);
  await expect(draft).toBeVisible();
  await draft.getByText('Actions').click();
  await draft.getByLabel('Key result', { exact: true }).fill(KR);
  await draft.getByLabel('Target').fill('40');
  await draft.getByRole('button', { name: 'Add key result' }).click();
  await expect(draft.getByRole('button', { name: `Edit key result ${KR}` })).toBeVisible();
  await draft.getByText('Actions').click();

  // Sam is renaming it when Maya proposes it: the card moves, the editor stays.
  await draft.getByRole('button', { name: `Edit title of ${TITLE}` }).click();
  await draft.getByLabel(`title of ${TITLE}`, { exact: true }).fill(RENAMED);
  await move(maya, 'Draft', TITLE, 'Move to Proposed');
  const proposed = card(sam, 'Proposed', TITLE);
  await expect(proposed).toBeVisible();
  const editor = proposed.getByLabel(`title of ${TITLE}`, { exact: true });
  await expect(editor).toHaveValue(RENAMED);
  await expect(editor).toBeFocused();
  await editor.press('Enter');
  await expect(card(maya, 'Proposed', RENAMED)).toBeVisible();

  // Sam is checking in and writing the closing note when Maya closes it.
  await move(maya, 'Proposed', RENAMED, 'Move to Active');
  const active = card(sam, 'Active', RENAMED);
  await active.getByRole('button', { name: `Check in on ${KR}` }).click();
  await active.getByLabel('New value').fill('12');
  await active.getByRole('textbox', { name: 'Progress' }).fill('The first week of the night roster');
  await active.getByRole('button', { name: `Close ${RENAMED}` }).click();
  const mine = active.getByRole('form', { name: `Close ${RENAMED}` });
  await mine.getByLabel('Lessons learned').fill('Night shifts need a named owner');
  await mine.getByLabel('Tags', { exact: true }).fill('night-shift');
  await mine.getByLabel('Tags', { exact: true }).press('Enter');

  const theirs = card(maya, 'Active', RENAMED);
  await theirs.getByRole('button', { name: `Close ${RENAMED}` }).click();
  const form = theirs.getByRole('form', { name: `Close ${RENAMED}` });
  await form.getByLabel('Final score (0.0–1.0)').fill('0.3');
  await form.getByLabel('What did not go well').fill('The night plan started late');
  await form.getByLabel('Lessons learned').fill('Agree on the night plan before the cycle starts');
  await form.getByRole('button', { name: 'Close with this note' }).click();
  await expect(card(maya, 'Closed', RENAMED)).toBeVisible();

  const closed = card(sam, 'Closed', RENAMED);
  await expect(closed).toBeVisible();
  const note = closed.getByRole('group', { name: 'Your closing note' });
  await expect(note.getByRole('status')).toHaveText(
    'Maya Lindqvist closed this objective meanwhile with a score of 0.3. What you wrote is kept here: add what their note lacks.',
  );
  await expect(note).toContainText('Night shifts need a named owner');
  await expect(note).toContainText('#night-shift');
  await expect(note.getByRole('link', { name: 'Read their note' })).toHaveAttribute('href', /^\/objectives\//);
  const checkIn = closed.getByRole('group', { name: 'Your check-in' });
  await expect(checkIn.getByRole('status')).toContainText('Maya Lindqvist closed this objective meanwhile, so its check-ins have ended.');
  await expect(checkIn).toContainText('The first week of the night roster');
  await expect(checkIn).toContainText('12');
  await sam.screenshot({ path: '../target/e2e/kept-after-close.png', fullPage: false });

  await note.getByRole('button', { name: 'Discard mine' }).click();
  await checkIn.getByRole('button', { name: 'Discard mine' }).click();
  await expect(note).toHaveCount(0);
  await expect(checkIn).toHaveCount(0);
  await maya.context().close();
  await sam.context().close();
});
