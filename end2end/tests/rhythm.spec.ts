import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, createCycle, day, hydrated, openCurrentBoard, journeysOn, ownServer, signIn } from './support';

// The program's rhythm: the communication plan, agendas and their notes,
// home. These journeys change the plan and write notes the other specs do
// not expect, so they run on a server and database of their own.
const own = ownServer(Number(process.env.E2E_RHYTHM_PORT ?? 3103), '../target/e2e/rhythm.db');
const { base } = own;
const PRIYA = 'priya@northstar.demo'; // member of Platform, owns "Deploy time"
const JONAS = 'jonas@northstar.demo'; // lead of Platform

journeysOn(own);

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return page;
}

/** The page of the cycle in execution, from the cycles list. */
async function openCurrentCycle(page: Page) {
  await page.goto('/cycles');
  await hydrated(page);
  const running = page.getByRole('listitem').filter({ hasText: 'Execution' });
  await running.getByRole('heading').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Communication plan' })).toBeVisible();
  await hydrated(page);
}

test('the ambassador edits the communication plan and a member sees it', async ({ browser }) => {
  const maya = await signedIn(browser, AMBASSADOR);
  await openCurrentCycle(maya);
  const plan = maya.getByRole('list', { name: 'Meetings' });
  await expect(plan.getByRole('heading', { name: 'Team weekly' })).toBeVisible();
  await maya.screenshot({ path: '../target/e2e/cycle-plan.png', fullPage: true });

  // Inline: the team weekly's format changes in place.
  const weekly = plan.getByRole('listitem').filter({ has: maya.getByRole('heading', { name: 'Team weekly' }) });
  await weekly.getByLabel('Edit Team weekly').click();
  await weekly.getByLabel('Format').fill('10 minutes after the Tuesday demo');
  await weekly.getByLabel('On', { exact: true }).selectOption({ label: 'Tuesday' });
  await weekly.getByRole('button', { name: 'Save meeting' }).click();
  await expect(plan.getByText('10 minutes after the Tuesday demo')).toBeVisible();
  await expect(plan.getByText('Every week, Tuesday')).toBeVisible();

  // A meeting of the organisation's own: its name is required, and what
  // was typed stays when it is missing.
  await maya.getByText('Add a meeting').click();
  const add = maya.locator('.plan-add');
  await add.getByLabel('Meeting', { exact: true }).selectOption({ label: 'Other (name it)' });
  await add.getByLabel('Level').selectOption({ label: 'Organisation' });
  await add.getByLabel('Format').fill('First 15 minutes of the sales kick-off');
  await add.getByRole('button', { name: 'Add meeting' }).click();
  await expect(add.getByText('Name the meeting.')).toBeVisible();
  await expect(add.getByLabel('Format')).toHaveValue('First 15 minutes of the sales kick-off');
  await add.getByLabel('Its name, for another meeting').fill('Sales kick-off');
  await add.getByRole('button', { name: 'Add meeting' }).click();
  await expect(plan.getByRole('heading', { name: 'Sales kick-off' })).toBeVisible();

  // Priya reads the same plan, and cannot change it.
  const priya = await signedIn(browser, PRIYA);
  await openCurrentCycle(priya);
  const seen = priya.getByRole('list', { name: 'Meetings' });
  await expect(seen.getByText('10 minutes after the Tuesday demo')).toBeVisible();
  await expect(seen.getByRole('heading', { name: 'Sales kick-off' })).toBeVisible();
  await expect(priya.getByText('Edit', { exact: true })).toHaveCount(0);
  await expect(priya.getByText('Add a meeting')).toHaveCount(0);
  // Her team weekly opens her team's agenda, with the plan's points.
  await seen.getByRole('link', { name: 'Agenda of Team weekly' }).click();
  await expect(priya.getByRole('heading', { name: 'Team weekly · Engineering › Platform' })).toBeVisible();
  await expect(priya.getByText('10 minutes after the Tuesday demo')).toBeVisible();
  await maya.context().close();
  await priya.context().close();
});

test("a lead plans his team's meeting, not one for the whole organisation", async ({ browser }) => {
  const jonas = await signedIn(browser, JONAS);
  await openCurrentCycle(jonas);
  await jonas.getByText('Add a meeting').click();
  const add = jonas.locator('.plan-add');
  await add.getByLabel('Level').selectOption({ label: 'Organisation' });
  await add.getByLabel('Held for').selectOption({ label: 'Engineering › Platform' });
  await add.getByLabel('Format').fill('Friday demo, 20 minutes');
  await add.getByRole('button', { name: 'Add meeting' }).click();
  // Told next to the level, with what he typed kept.
  await expect(add.locator('.field').filter({ has: jonas.getByLabel('Level') }))
    .toContainText('Organisation-wide meetings are planned by the OKR ambassador');
  await expect(add.getByLabel('Format')).toHaveValue('Friday demo, 20 minutes');
  await add.getByLabel('Level').selectOption({ label: 'Team' });
  await add.getByRole('button', { name: 'Add meeting' }).click();
  await expect(jonas.getByRole('list', { name: 'Meetings' }).getByText('Friday demo, 20 minutes')).toBeVisible();
  await jonas.context().close();
});

test('two browsers saving the same meeting: the second is told and keeps what it typed', async ({ browser }) => {
  const first = await signedIn(browser, AMBASSADOR);
  const second = await signedIn(browser, AMBASSADOR);
  const rowIn = async (page: Page) => {
    await openCurrentCycle(page);
    const plan = page.getByRole('list', { name: 'Meetings' });
    const row = plan
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: 'Department review' }) });
    await row.getByLabel('Edit Department review').click();
    return row;
  };
  const one = await rowIn(first);
  const two = await rowIn(second);
  await one.getByLabel('Format').fill('30 minutes in the monthly department meeting');
  await one.getByRole('button', { name: 'Save meeting' }).click();
  await expect(
    first.getByRole('list', { name: 'Meetings' }).getByText('30 minutes in the monthly department meeting'),
  ).toBeVisible();

  // The second browser opened the meeting before that save.
  await two.getByLabel('Format').fill('An hour, first Monday of the month');
  await two.getByRole('button', { name: 'Save meeting' }).click();
  await expect(two.getByText(/Someone changed this meeting since you opened it/)).toBeVisible();
  await expect(two.getByLabel('Format')).toHaveValue('An hour, first Monday of the month');

  // Nothing was overwritten: a reload shows the first save.
  await second.reload();
  await expect(
    second.getByRole('list', { name: 'Meetings' }).getByText('30 minutes in the monthly department meeting'),
  ).toBeVisible();
  await expect(second.getByText('An hour, first Monday of the month')).toHaveCount(0);
  await first.context().close();
  await second.context().close();
});

/** Priya checks in on "Deploy time" from its objective page. */
async function checkIn(page: Page, value: string, confidence: string, problems: string) {
  await openCurrentBoard(page);
  await page.getByRole('link', { name: 'Open Deploys are boring' }).click();
  await expect(page.getByRole('heading', { name: 'Deploys are boring', level: 1 })).toBeVisible();
  await hydrated(page);
  const panel = page.getByRole('article', { name: 'Deploy time' });
  await panel.getByRole('button', { name: 'Check in' }).click();
  await panel.getByLabel('New value').fill(value);
  await panel.getByLabel(/Confidence/).fill(confidence);
  await panel.getByLabel('Problems').fill(problems);
  await panel.getByRole('button', { name: 'Save check-in' }).click();
  await expect(panel.getByRole('listitem').filter({ hasText: problems }).first()).toBeVisible();
}

test('a lead opens a one-on-one and is asked about a falling confidence', async ({ browser }) => {
  const priya = await signedIn(browser, PRIYA);
  await checkIn(priya, '20', '8', 'Staging is slow.');
  await checkIn(priya, '21', '5', 'Staging is still slow.');

  const jonas = await signedIn(browser, JONAS);
  await expect(jonas.getByRole('heading', { name: 'Welcome, Jonas' })).toBeVisible();
  await jonas.getByRole('list', { name: 'Your units' }).getByRole('link', { name: 'Team weekly agenda' }).click();
  await expect(jonas.getByRole('heading', { name: 'Team weekly · Engineering › Platform' })).toBeVisible();
  await hydrated(jonas);
  await jonas.getByRole('link', { name: 'One-on-one with Priya Nair' }).click();
  await expect(jonas.getByRole('heading', { name: 'One-on-one · Priya Nair' })).toBeVisible();
  const questions = jonas.getByRole('list', { name: 'Questions about Deploy time' });
  await expect(questions).toContainText('Confidence in “Deploy time” fell from 8 to 5');
  await expect(questions).toContainText('A problem two weeks running');
  await jonas.screenshot({ path: '../target/e2e/one-on-one.png', fullPage: true });
  // Printed: no navigation, no buttons, the notes as text.
  await jonas.emulateMedia({ media: 'print' });
  await jonas.screenshot({ path: '../target/e2e/one-on-one-print.png', fullPage: true });
  await expect(jonas.getByRole('button', { name: 'Print' })).toBeHidden();
  await jonas.emulateMedia({ media: 'screen' });

  // Someone else's one-on-one is not Lea's to open.
  const lea = await signedIn(browser, 'lea@northstar.demo');
  await lea.goto(jonas.url());
  await expect(lea.getByRole('alert')).toContainText('A one-on-one is between a person and their lead');
  await priya.context().close();
  await jonas.context().close();
  await lea.context().close();
});

test('two people writing one meeting’s notes merge instead of overwriting', async ({ browser }) => {
  const jonas = await signedIn(browser, JONAS);
  const priya = await signedIn(browser, PRIYA);
  for (const page of [jonas, priya]) {
    await page.getByRole('list', { name: 'Your units' }).getByRole('link', { name: 'Team weekly agenda' }).click();
    await expect(page.getByRole('heading', { name: 'Notes' })).toBeVisible();
    await hydrated(page);
  }
  await jonas.getByLabel(/This meeting/).fill('Jonas: Priya owns the staging fix.');
  await jonas.getByRole('button', { name: 'Save notes' }).click();
  await expect(jonas.getByText('Saved.')).toBeVisible();

  // Priya's page opened before Jonas saved.
  await priya.getByLabel(/This meeting/).fill('Priya: ask infra for a bigger runner.');
  await priya.getByRole('button', { name: 'Save notes' }).click();
  await expect(priya.getByText('Someone else saved notes for this meeting while you were writing')).toBeVisible();
  const theirs = priya.locator('.notes-theirs');
  await expect(theirs).toContainText('Jonas Berg saved these notes meanwhile');
  await expect(theirs).toContainText('Jonas: Priya owns the staging fix.');
  await expect(priya.getByLabel(/This meeting/)).toHaveValue('Priya: ask infra for a bigger runner.');
  await priya
    .getByLabel(/This meeting/)
    .fill('Jonas: Priya owns the staging fix.\nPriya: ask infra for a bigger runner.');
  await priya.getByRole('button', { name: 'Save notes' }).click();
  await expect(priya.getByText('Saved.')).toBeVisible();

  await jonas.reload();
  await hydrated(jonas);
  await expect(jonas.getByLabel(/This meeting/)).toHaveValue(
    'Jonas: Priya owns the staging fix.\nPriya: ask infra for a bigger runner.',
  );
  await jonas.screenshot({ path: '../target/e2e/team-weekly.png', fullPage: true });
  await jonas.emulateMedia({ media: 'print' });
  await jonas.screenshot({ path: '../target/e2e/team-weekly-print.png', fullPage: true });
  await jonas.context().close();
  await priya.context().close();
});

test('home says what needs me, and the all-hands agenda shows the organisation', async ({ browser }) => {
  const maya = await signedIn(browser, AMBASSADOR);
  await expect(maya.getByRole('heading', { name: 'Your next meetings' })).toBeVisible();
  await expect(maya.getByRole('list', { name: 'Your next meetings' }).getByRole('link').first()).toBeVisible();
  await maya.screenshot({ path: '../target/e2e/home.png', fullPage: true });
  await maya.getByRole('link', { name: 'All-hands agenda' }).click();
  await expect(maya.getByRole('heading', { name: 'All-hands', level: 1 })).toBeVisible();
  await expect(maya.getByRole('heading', { name: 'Progress against the expected line' })).toBeVisible();
  await expect(maya.getByRole('region', { name: 'KPIs that need attention' })).toContainText('Average reply time');
  await maya.screenshot({ path: '../target/e2e/all-hands.png', fullPage: true });
  // Printed: no navigation, no buttons.
  await maya.emulateMedia({ media: 'print' });
  await expect(maya.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(maya.getByRole('button', { name: 'Present' })).toBeHidden();
  await maya.screenshot({ path: '../target/e2e/all-hands-print.png', fullPage: true });
  await maya.emulateMedia({ media: 'screen' });
  // Presented: the agenda fills the screen.
  await hydrated(maya);
  await maya.getByRole('button', { name: 'Present' }).click();
  await expect.poll(() => maya.evaluate(() => document.fullscreenElement?.tagName)).toBe('MAIN');
  await maya.screenshot({ path: '../target/e2e/all-hands-present.png' });
  await maya.evaluate(() => document.exitFullscreen());
  await maya.context().close();
});

test('a unit the ambassador leaves out of the cycle leaves the open leaderboard', async ({ browser }) => {
  const maya = await signedIn(browser, AMBASSADOR);
  // Jonas watches the leaderboard in his own browser while Maya decides.
  const jonas = await signedIn(browser, JONAS);
  await jonas.goto('/leaderboard');
  await hydrated(jonas);
  const platform = jonas.locator('.leaderboard-row[data-unit="Platform"]');
  await expect(platform).toBeVisible();

  await openCurrentCycle(maya);
  await maya.getByText('Choose who takes part').click();
  const units = maya.getByRole('list', { name: 'Units taking part' });
  await units.getByLabel('Engineering › Platform').uncheck();
  await expect(maya.getByText('Not taking part this cycle: Engineering › Platform.')).toBeVisible();
  await expect(platform).toHaveCount(0);

  // The choices stay open after a change, for the next one.
  await expect(units).toBeVisible();
  await units.getByLabel('Engineering › Platform').check();
  await expect(maya.getByText('Every unit takes part in this cycle.')).toBeVisible();
  await expect(platform).toBeVisible();
  await maya.context().close();
  await jonas.context().close();
});

test('a draft made after planning closed is marked late on its card and page, and is still activated', async ({ browser }) => {
  const page = await signedIn(browser, AMBASSADOR);
  const title = 'Release notes reach every customer';
  await page.goto('/cycles');
  await hydrated(page);
  // Started a month ago: its two weeks of planning are over. (It becomes
  // the current cycle, so this journey is the file's last.)
  const row = await createCycle(page, 'Late starters', day(-30), day(60));
  await expect(row.locator('.phase')).toHaveText('Execution');
  await row.getByRole('link', { name: 'Open board' }).click();
  await expect(page.getByRole('heading', { name: 'Late starters', level: 1 })).toBeVisible();
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  const board = page.url();
  await page.getByLabel('Objective', { exact: true }).fill(title);
  await page.getByLabel('Owning unit').selectOption({ label: 'Engineering › Web' });
  await page.getByRole('button', { name: 'Add objective' }).click();
  const column = (name: string) => page.getByRole('region', { name: `${name} column` });
  const card = (name: string) => column(name).getByRole('article', { name: `Objective: ${title}` });
  await expect(card('Draft').locator('.badge-late')).toHaveText('Late');
  await card('Draft').locator('a.card-open').click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.locator('.objective-facts .badge-late')).toHaveText('Late');

  // Late is a mark, not a refusal: proposed, then activated.
  await page.goto(board);
  await hydrated(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  for (const [from, verb, to] of [['Draft', 'Move to Proposed', 'Proposed'], ['Proposed', 'Move to Active', 'Active']]) {
    const button = card(from).getByRole('button', { name: `${verb}: ${title}` });
    if (!(await button.isVisible())) await card(from).getByText('Actions').click();
    await button.click();
    await expect(card(to)).toBeVisible();
  }
  // Only a draft is late.
  await expect(card('Active').locator('.badge-late')).toHaveCount(0);
  await page.reload();
  await expect(card('Active')).toBeVisible();
  await expect(card('Active').locator('.badge-late')).toHaveCount(0);
  await page.context().close();
});
