import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, signIn } from './support';

/** Opens the board of the demo's current cycle and waits until it is live. */
async function openBoard(page: Page) {
  await page.getByRole('link', { name: 'Cycles' }).click();
  await page.getByRole('link', { name: 'Open board' }).first().click();
  await expect(page.getByRole('region', { name: 'Draft column' })).toBeVisible();
  await hydrated(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
}

function column(page: Page, name: string) {
  return page.getByRole('region', { name: `${name} column` });
}

function card(page: Page, title: string) {
  return page.getByRole('article', { name: `Objective: ${title}` });
}

test('a lead drafts an objective with two key results and proposes it by dragging', async ({ page }) => {
  await signIn(page, 'jonas@northstar.demo', DEMO_PASSWORD);
  await openBoard(page);

  await page.getByText('Add an objective').click();
  await page.getByLabel('Objective', { exact: true }).fill('Platform costs are predictable');
  await page.getByLabel('Owning unit').selectOption({ label: 'Engineering › Platform' });
  await page.getByRole('button', { name: 'Add objective' }).click();
  const draft = card(page, 'Platform costs are predictable');
  await expect(column(page, 'Draft').getByRole('article', { name: 'Objective: Platform costs are predictable' })).toBeVisible();

  await draft.getByText('Actions').click();
  const form = draft.getByRole('group', { name: /Add a key result/ });
  for (const [title, start, target] of [
    ['Cloud bill per customer', '12', '8'],
    ['Idle instances', '40', '5'],
  ]) {
    await form.getByLabel('Key result').fill(title);
    await form.getByLabel('Start').fill(start);
    await form.getByLabel('Target').fill(target);
    await form.getByRole('button', { name: 'Add key result' }).click();
    await expect(draft.getByRole('list', { name: 'Key results' })).toContainText(title);
    await expect(form.getByLabel('Key result')).toHaveValue('');
  }
  await expect(draft.getByRole('list', { name: 'Key results' }).getByRole('listitem')).toHaveCount(2);

  // The warnings ask why; answering them from the card makes them go.
  await expect(draft.getByRole('list', { name: 'Warnings' })).toContainText('Why important?');
  await draft.getByLabel('Why it is important').fill('Cloud costs grow faster than revenue.');
  await draft.getByLabel('Why it is urgent now').fill('The budget for next year is set in four weeks.');
  await draft.getByRole('button', { name: 'Save details' }).click();
  await expect(draft.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(draft.getByRole('list', { name: 'Warnings' })).not.toContainText('Why important?');
  await draft.getByText('Actions').click(); // close the menu: a drag starts on the card, not in a form

  await draft.dragTo(column(page, 'Proposed').getByRole('heading'));
  await expect(column(page, 'Proposed').getByRole('article', { name: 'Objective: Platform costs are predictable' })).toBeVisible();
  await expect(column(page, 'Draft').getByRole('article', { name: 'Objective: Platform costs are predictable' })).toHaveCount(0);
});

test('a bad target shows its error next to the field and keeps the text', async ({ page }) => {
  await signIn(page, 'jonas@northstar.demo', DEMO_PASSWORD);
  await openBoard(page);
  const deploys = card(page, 'Deploys are boring');
  await deploys.getByRole('button', { name: 'Edit target of Deploy time' }).click();
  const target = deploys.getByLabel('target of Deploy time');
  await target.fill('45');
  await target.press('Enter');
  await expect(deploys.getByRole('alert').filter({ hasText: 'The target must differ from the start' })).toBeVisible();
  await expect(target).toHaveValue('45');
  await target.fill('ten');
  await target.press('Enter');
  await expect(deploys.getByRole('alert').filter({ hasText: 'Enter a number' })).toBeVisible();
  await expect(target).toHaveValue('ten');
  await target.press('Escape');
  await expect(deploys.getByRole('button', { name: 'Edit target of Deploy time' })).toHaveText('10');
});

test('a member cannot activate: the card snaps back and the server says why', async ({ page }) => {
  await signIn(page, 'lea@northstar.demo', DEMO_PASSWORD);
  await openBoard(page);
  const proposal = column(page, 'Proposed').getByRole('article', { name: 'Objective: The web app feels instant' });
  await proposal.dragTo(column(page, 'Active').getByRole('heading'));
  await expect(page.getByRole('alert').filter({ hasText: 'Only a lead of the owning unit or of a unit above it, or the ambassador, can activate' })).toBeVisible();
  await expect(proposal).toBeVisible();
  await expect(column(page, 'Active').getByRole('article', { name: 'Objective: The web app feels instant' })).toHaveCount(0);
});

test('a change in one browser appears in another without reload', async ({ browser }) => {
  const maya = await (await browser.newContext()).newPage();
  const priya = await (await browser.newContext()).newPage();
  await signIn(maya, 'maya@northstar.demo', DEMO_PASSWORD);
  await openBoard(maya);
  await signIn(priya, 'priya@northstar.demo', DEMO_PASSWORD);
  await openBoard(priya);
  await expect(maya.getByText(/Also here: .*Priya Nair/)).toBeVisible();

  const mine = card(priya, 'Deploys are boring');
  await mine.getByRole('button', { name: 'Edit current value of Deploy time' }).click();
  await mine.getByLabel('current value of Deploy time').fill('18');
  await mine.getByLabel('current value of Deploy time').press('Enter');

  const theirs = card(maya, 'Deploys are boring');
  await expect(theirs.getByRole('button', { name: 'Edit current value of Deploy time' })).toHaveText('18');
  await maya.context().close();
  await priya.context().close();
});

test('a page paints before its WebAssembly is asked for, and names only chunks that exist', async ({ page }) => {
  // The cycles page: in the planning group like the board, which waits for
  // a person instead (wake.spec.ts).
  await signIn(page, 'jonas@northstar.demo', DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByRole('link', { name: 'Cycles' }).click();
  await expect(page).toHaveURL(/\/cycles$/);
  const url = page.url();
  await page.reload();
  await hydrated(page);
  // The first paint came before the first WebAssembly request started.
  const order = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
    const wasm = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm'));
    return { paint, firstWasm: Math.min(...wasm.map((r) => r.startTime)), count: wasm.length };
  });
  expect(order.paint).toBeLessThan(order.firstWasm);

  // The page's HTML hints at nothing before it paints, and lists its
  // group's chunks for the script that starts the WebAssembly.
  const html = await (await page.request.get(url)).text();
  expect(html).not.toContain('rel="preload"');
  const listed = JSON.parse(html.match(/<script type="application\/json" id="northstar-chunks">(.*?)<\/script>/)![1]);
  expect(listed.chunks.length).toBeGreaterThan(0);
  // A few dozen, not the hundreds of a split point per page.
  expect(listed.chunks.length).toBeLessThan(60);
  expect(order.count).toBeGreaterThanOrEqual(listed.chunks.length);
  for (const chunk of [listed.loader, ...listed.chunks]) {
    const answer = await page.request.get(chunk);
    expect(answer.status(), chunk).toBe(200);
  }
});
