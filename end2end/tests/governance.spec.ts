import { expect, test, type Page } from '@playwright/test';
import { liveBoardOf } from './support';

// Sharing is an invitation: Jonas (Platform's lead) invites Support to his
// new objective; the card says "Invited"; Sam (Support's lead) accepts on
// the objective page and says what Support commits, and Jonas's open board
// shows Support sharing it — no longer invited — with the warnings a shared
// objective gets until someone is named to decide.

const TITLE = 'Incidents reach customers within the hour';

function card(page: Page) {
  return page.getByRole('article', { name: `Objective: ${TITLE}` });
}

test('a lead accepts an invitation and the unit changes from invited to sharing', async ({ browser }) => {
  const jonas = await liveBoardOf(browser, 'jonas@northstar.demo');
  await jonas.getByText('Add an objective').click();
  await jonas.getByLabel('Objective', { exact: true }).fill(TITLE);
  await jonas.getByLabel('Owning unit').selectOption({ label: 'Engineering › Platform' });
  await jonas.getByRole('button', { name: 'Add objective' }).click();
  await expect(card(jonas)).toBeVisible();

  await card(jonas).getByText('Actions').click();
  await card(jonas).getByRole('checkbox', { name: 'Customer Success › Support' }).check();
  await card(jonas).getByRole('button', { name: 'Save details' }).click();
  await expect(card(jonas).getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(card(jonas).getByText('Invited: Customer Success › Support')).toBeVisible();
  await expect(card(jonas).getByText('invited', { exact: true })).toBeVisible();
  await expect(card(jonas).getByRole('list', { name: 'Warnings' })).toContainText('Who decides?');

  // Sam opens the objective from his own board.
  const sam = await liveBoardOf(browser, 'sam@northstar.demo');
  await card(sam).getByRole('link', { name: `Open ${TITLE}` }).click();
  await expect(sam.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  const shared = sam.getByRole('region', { name: 'Shared objective' });
  await expect(shared).toContainText('Nobody is named to decide yet');
  const support = shared.getByRole('listitem').filter({ hasText: 'Customer Success › Support' });
  await expect(support).toContainText('invited');
  await support.getByRole('button', { name: 'Accept for Customer Success › Support' }).click();
  await expect(shared.getByRole('listitem').filter({ hasText: 'Customer Success › Support' })).toContainText('sharing');
  const accepted = shared.getByRole('listitem').filter({ hasText: 'Customer Success › Support' });
  await accepted.getByLabel('What this unit commits').fill('One support engineer on call with Platform');
  await accepted.getByRole('button', { name: 'Save commitment' }).click();
  await expect(
    shared.getByRole('listitem').filter({ hasText: 'Customer Success › Support' }),
  ).toContainText('Commits: One support engineer on call with Platform');
  // Sam cannot speak for Platform.
  await expect(
    shared.getByRole('listitem').filter({ hasText: 'Engineering › Platform' }).getByLabel('What this unit commits'),
  ).toHaveCount(0);
  await sam.screenshot({ path: '../target/e2e/shared-objective.png', fullPage: true });

  // Jonas's open board follows: Support shares it now.
  await expect(card(jonas).getByText('Shared with Customer Success › Support')).toBeVisible();
  await expect(card(jonas).getByText(/^Invited: /)).toHaveCount(0);
  await expect(card(jonas).getByRole('list', { name: 'Warnings' })).toContainText('Platform commits?');
  await jonas.context().close();
  await sam.context().close();
});
