import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, journeysOn, openCurrentBoard, ownServer, signIn } from './support';

// A key result's data-readiness checklist on its card: built when first
// opened, saved box by box, and shared by two people at once. The journeys
// make demo key results unready, so they run on a server of their own.
const own = ownServer(Number(process.env.E2E_READINESS_PORT ?? 3111), '../target/e2e/readiness.db');
const { base } = own;

journeysOn(own);

/** `email`'s own browser on the current board, live. */
async function boardOf(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  return page;
}

/** The readiness checklist of "Rollbacks per month", opened. */
async function checklist(page: Page) {
  const card = page.getByRole('article', { name: 'Objective: Deploys are boring' });
  await card.getByLabel('Data readiness of Rollbacks per month').click();
  const form = card.getByRole('group', { name: 'Data readiness of Rollbacks per month' });
  await expect(form).toBeVisible();
  return { card, form };
}

test('a lead marks a key result unready with a proxy, and the card says how it is measured', async ({ browser }) => {
  const jonas = await boardOf(browser, 'jonas@northstar.demo');
  const { card, form } = await checklist(jonas);
  await form.getByLabel('The data is reliable').uncheck();
  await form.getByLabel('Until it is ready').selectOption({ label: 'Use a proxy metric' });
  await form.getByLabel('Proxy metric (when using one)').fill('Hotfixes per month');
  await form.getByRole('button', { name: 'Save readiness' }).click();
  await expect(card).toContainText('measured by a proxy: Hotfixes per month');

  // Stored: a fresh load shows it, and the box stays unticked.
  await jonas.reload();
  await hydrated(jonas);
  await expect(jonas.locator('.live-dot.live-live')).toBeAttached();
  const again = await checklist(jonas);
  await expect(again.card).toContainText('measured by a proxy: Hotfixes per month');
  await expect(again.form.getByLabel('The data is reliable')).not.toBeChecked();
  await expect(again.form.getByLabel('Proxy metric (when using one)')).toHaveValue('Hotfixes per month');
  await jonas.context().close();
});

test('two people on one checklist: an untouched field follows the other, the same field is a conflict shown, not overwritten', async ({ browser }) => {
  const jonas = await boardOf(browser, 'jonas@northstar.demo');
  const maya = await boardOf(browser, AMBASSADOR);
  const mine = await checklist(jonas);
  const theirs = await checklist(maya);
  const proxy = (form: typeof mine.form) => form.getByLabel('Proxy metric (when using one)');

  // Maya renames the proxy; Jonas has not touched it: his form follows.
  await proxy(theirs.form).fill('Failed deploys per month');
  await theirs.form.getByRole('button', { name: 'Save readiness' }).click();
  await expect(proxy(mine.form)).toHaveValue('Failed deploys per month');

  // Both type into it; Maya saves first. Jonas keeps what he typed and is told.
  await proxy(mine.form).fill('Rollbacks per release');
  await proxy(theirs.form).fill('Manual rollbacks');
  await theirs.form.getByRole('button', { name: 'Save readiness' }).click();
  await expect(theirs.card).toContainText('measured by a proxy: Manual rollbacks');
  await expect(mine.form.getByRole('status')).toContainText('Maya Lindqvist changed the readiness meanwhile.');
  await expect(proxy(mine.form)).toHaveValue('Rollbacks per release');
  await mine.form.getByRole('button', { name: 'Save mine over it' }).click();
  await expect(mine.card).toContainText('measured by a proxy: Rollbacks per release');
  await expect(theirs.card).toContainText('measured by a proxy: Rollbacks per release');
  await jonas.context().close();
  await maya.context().close();
});

test('a member sees whether a key result is data-ready, but has no checklist to change', async ({ browser }) => {
  const lea = await boardOf(browser, 'lea@northstar.demo');
  const card = lea.getByRole('article', { name: 'Objective: Deploys are boring' });
  await expect(card).toContainText('measured by a proxy: Rollbacks per release');
  await expect(card.getByLabel('Data readiness of Rollbacks per month')).toHaveCount(0);
  await lea.context().close();
});
