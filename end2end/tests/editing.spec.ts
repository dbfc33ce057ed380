import { expect, test, type Page } from '@playwright/test';
import { AMBASSADOR, liveBoardOf } from './support';

// Two people on one board edit the same key result. An editor that is open
// survives a colleague's save: a save to the same field is said beside it
// with the choice to save over it or take it; a save to another field of
// the same key result leaves the editor alone.

const KR = 'Rollbacks per month';

function card(page: Page) {
  return page.getByRole('article', { name: 'Objective: Deploys are boring' });
}

async function save(page: Page, label: string, value: string) {
  await card(page).getByRole('button', { name: `Edit ${label}` }).click();
  await card(page).getByLabel(label, { exact: true }).fill(value);
  await card(page).getByLabel(label, { exact: true }).press('Enter');
  await expect(card(page).getByRole('button', { name: `Edit ${label}` })).toHaveText(value);
}

test("a colleague's save to the same field: the open editor keeps its text, says so, and saves over it on purpose", async ({ browser }) => {
  const jonas = await liveBoardOf(browser, 'jonas@northstar.demo');
  const maya = await liveBoardOf(browser, AMBASSADOR);

  await card(jonas).getByRole('button', { name: `Edit target of ${KR}` }).click();
  const input = card(jonas).getByLabel(`target of ${KR}`, { exact: true });
  await input.fill('2');

  await save(maya, `target of ${KR}`, '0');

  const note = card(jonas).getByRole('status').filter({ hasText: 'Maya Lindqvist changed this to “0” meanwhile.' });
  await expect(note).toBeVisible();
  await expect(input).toHaveValue('2');
  await jonas.screenshot({ path: '../target/e2e/conflict-same-field.png' });

  await note.getByRole('button', { name: 'Save mine over it' }).click();
  await expect(card(jonas).getByRole('button', { name: `Edit target of ${KR}` })).toHaveText('2');
  await expect(card(maya).getByRole('button', { name: `Edit target of ${KR}` })).toHaveText('2');

  // Taking theirs instead: the editor closes on the colleague's value.
  await card(jonas).getByRole('button', { name: `Edit target of ${KR}` }).click();
  await input.fill('5');
  await save(maya, `target of ${KR}`, '1');
  await card(jonas).getByRole('button', { name: 'Take theirs' }).click();
  await expect(card(jonas).getByRole('button', { name: `Edit target of ${KR}` })).toHaveText('1');
  await jonas.context().close();
  await maya.context().close();
});

test("a colleague's save to another field of the same key result leaves the open editor alone", async ({ browser }) => {
  const jonas = await liveBoardOf(browser, 'jonas@northstar.demo');
  const maya = await liveBoardOf(browser, AMBASSADOR);

  await card(jonas).getByRole('button', { name: `Edit target of ${KR}` }).click();
  const input = card(jonas).getByLabel(`target of ${KR}`, { exact: true });
  await input.fill('0');

  await save(maya, `current value of ${KR}`, '2');

  // The change arrives (the value beside the editor moves)…
  await expect(card(jonas).getByRole('button', { name: `Edit current value of ${KR}` })).toHaveText('2');
  // …and the editor is still open with what was typed, without a conflict.
  await expect(input).toHaveValue('0');
  await expect(card(jonas).getByText('meanwhile')).toHaveCount(0);
  await input.press('Enter');
  await expect(card(jonas).getByRole('button', { name: `Edit target of ${KR}` })).toHaveText('0');
  await expect(card(maya).getByRole('button', { name: `Edit target of ${KR}` })).toHaveText('0');
  await jonas.context().close();
  await maya.context().close();
});

test("a colleague's save to a why while it is being written: both texts are kept until one is chosen", async ({ browser }) => {
  const jonas = await liveBoardOf(browser, 'jonas@northstar.demo');
  const maya = await liveBoardOf(browser, AMBASSADOR);
  const details = async (page: Page) => {
    await card(page).getByText('Actions').click();
    return card(page).getByRole('group', { name: 'Why this objective' });
  };
  const mine = await details(jonas);
  await mine.getByLabel('Why it is urgent now').fill('Mine: the audit is in March.');
  const theirs = await details(maya);
  await theirs.getByLabel('Why it is urgent now').fill('Theirs: two incidents last week.');
  await theirs.getByRole('button', { name: 'Save details' }).click();
  await expect(theirs.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  const note = mine.getByRole('status').filter({ hasText: 'Maya Lindqvist changed this to “Theirs: two incidents last week.” meanwhile.' });
  await expect(note).toBeVisible();
  await expect(mine.getByLabel('Why it is urgent now')).toHaveValue('Mine: the audit is in March.');
  await note.getByRole('button', { name: 'Save mine over it' }).click();
  await expect(theirs.getByLabel('Why it is urgent now')).toHaveValue('Mine: the audit is in March.');
  await jonas.context().close();
  await maya.context().close();
});
