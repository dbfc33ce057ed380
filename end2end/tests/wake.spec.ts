import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, liveBoardOf, openCurrentBoard, signIn } from './support';

// A board loaded afresh is read first: the server renders it, a small socket
// keeps it live, and its WebAssembly loads when a person reaches for it or
// someone else changes it (app/src/assets/hydrate.js). What was done before
// it could answer is done once it can.

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** The WebAssembly a page asks for, held at the door until `release()`. */
type Door = { asked: string[]; release: () => void };

/**
 * `email`'s browser on the current board (or its alignment map), loaded
 * afresh in a new tab that no pointer has touched (a mouse resting over a
 * page wakes it). `prepare` routes more of the page's traffic first.
 * Routing turns the browser's cache off, so every byte is counted.
 */
async function afresh(
  browser: Browser,
  email: string,
  {
    context: options = {},
    prepare = async () => {},
    view = 'board',
  }: { context?: BrowserContextOptions; prepare?: (page: Page) => Promise<void>; view?: 'board' | 'map' } = {},
) {
  const context = await browser.newContext(options);
  const setup = await context.newPage();
  await signIn(setup, email, DEMO_PASSWORD);
  await expect(setup.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(setup);
  const url = setup.url().replace(/\/board$/, `/${view}`);
  await setup.close();

  const page = await context.newPage();
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const door: Door = { asked: [], release };
  await page.route('**/*.wasm', async (route) => {
    door.asked.push(route.request().url());
    await opened;
    await route.continue();
  });
  await prepare(page);
  await page.goto(url);
  await expect(page.locator(`main.${view}-page`)).toBeVisible();
  // Its small socket listens, so the page says it is live.
  await expect(page.locator('body[data-watching="live"]')).toBeAttached();
  await expect(page.locator('.live-dot')).toHaveCSS('background-color', 'rgb(31, 122, 77)');
  return { page, door };
}

/** Everything the page has transferred so far, in bytes. */
function transferred(page: Page) {
  return page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .map((entry) => (entry as PerformanceResourceTiming).transferSize)
      .reduce((sum, size) => sum + size, 0),
  );
}

/** Priya, on a live board of her own, sets Deploy time's current value. */
async function priyaSets(browser: Browser, value: string) {
  const priya = await liveBoardOf(browser, 'priya@northstar.demo');
  const mine = priya.getByRole('article', { name: 'Objective: Deploys are boring' });
  await mine.getByRole('button', { name: 'Edit current value of Deploy time' }).click();
  await mine.getByLabel('current value of Deploy time').fill(value);
  await mine.getByLabel('current value of Deploy time').press('Enter');
  await expect(mine.getByRole('button', { name: 'Edit current value of Deploy time' })).toHaveText(value);
  return priya;
}

test('on a phone the board is read without its WebAssembly, and the first tap loads it and is answered', async ({ browser }) => {
  const { page, door } = await afresh(browser, 'priya@northstar.demo', { context: PHONE });
  await page.waitForLoadState('load');
  // Long enough for any other page, which asks right after its first paint.
  await page.waitForTimeout(1_000);
  expect(door.asked).toEqual([]);
  await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
  const bytes = await transferred(page);
  console.log(`board read on a phone: ${(bytes / 1024).toFixed(1)} KiB transferred`);
  expect(bytes).toBeLessThan(300 * 1024);

  // A card's menu is built when first opened: tapped before the page can
  // build it, it stays shut, then opens with its content.
  const deploys = page.getByRole('article', { name: 'Objective: Deploys are boring' });
  await deploys.getByText('Actions').tap();
  await expect.poll(() => door.asked.length).toBeGreaterThan(0);
  await expect(page.locator('body[data-waking]')).toBeAttached();
  await expect(deploys.locator('details.card-menu')).not.toHaveAttribute('open');
  await page.screenshot({ path: '../target/e2e/board-waking-phone.png' });
  const tapped = Date.now();
  door.release();
  await expect(deploys.locator('details.card-menu[open] > :not(summary)').first()).toBeVisible();
  console.log(`tap answered ${Date.now() - tapped} ms after the WebAssembly was let through`);
  await expect(page.locator('body[data-waking]')).toHaveCount(0);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.context().close();
});

test('a board nobody has touched wakes when someone else changes it, and shows the change', async ({ browser }) => {
  const { page: maya, door } = await afresh(browser, 'maya@northstar.demo');
  door.release();
  await maya.waitForTimeout(500);
  expect(door.asked).toEqual([]);

  const priya = await priyaSets(browser, '21');

  // Nobody touched Maya's board: it woke by itself and caught up.
  const theirs = maya.getByRole('article', { name: 'Objective: Deploys are boring' });
  await expect(theirs.getByRole('button', { name: 'Edit current value of Deploy time' })).toHaveText('21');
  await expect(maya.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(maya.locator('.live-dot.live-live')).toBeAttached();
  expect(door.asked.length).toBeGreaterThan(0);
  await maya.context().close();
  await priya.context().close();
});

test('a form filled and sent before the board could answer is sent once, as typed', async ({ browser }) => {
  const { page, door } = await afresh(browser, 'jonas@northstar.demo');
  // Its own title each run: a repeated run must find one card, not two.
  const title = `Release notes write themselves ${Date.now().toString(36)}`;
  // The form is on the page already: it opens at once and takes what is typed.
  await page.getByText('Add an objective').click();
  await expect.poll(() => door.asked.length).toBeGreaterThan(0);
  await page.getByLabel('Objective', { exact: true }).fill(title);
  await page.getByLabel('Owning unit').selectOption({ label: 'Engineering › Platform' });
  await page.getByRole('button', { name: 'Add objective' }).click();
  // And, still waiting, a card's menu: both are done, in order.
  const deploys = page.getByRole('article', { name: 'Objective: Deploys are boring' });
  await deploys.getByText('Actions').click();
  await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
  door.release();

  const drafts = page.getByRole('region', { name: 'Draft column' });
  await expect(drafts.getByRole('article', { name: `Objective: ${title}` })).toBeVisible();
  await expect(page.getByLabel('Objective', { exact: true })).toHaveValue('');
  await expect(deploys.locator('details.card-menu[open] > :not(summary)').first()).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(drafts.getByRole('article', { name: `Objective: ${title}` })).toHaveCount(1);
  await page.context().close();
});

test('a board nobody has touched stops and says why when its session ends in another tab', async ({ browser }) => {
  const { page: board, door } = await afresh(browser, 'lea@northstar.demo');
  door.release();
  const other = await board.context().newPage();
  await other.goto('/');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/sign-in$/);

  // Its small socket heard the session end: the board woke and says so.
  const notice = board.getByRole('alert').filter({ hasText: 'You have been signed out.' });
  await expect(notice).toBeVisible();
  await expect(board.locator('.live-dot.live-stopped')).toBeAttached();
  await expect(board.locator('body[data-watching]')).toHaveCount(0);
  expect(door.asked.length).toBeGreaterThan(0);
  await board.context().close();
});

test('a sleeping board whose connection drops tries again, and still wakes for a change', async ({ browser }) => {
  let sockets = 0;
  let cut = () => {};
  const { page: maya, door } = await afresh(browser, 'maya@northstar.demo', {
    prepare: async (page) => {
      await page.routeWebSocket(/\/ws\/boards\//, (socket) => {
        sockets += 1;
        const server = socket.connectToServer();
        if (sockets === 1) {
          cut = () => {
            server.close();
            socket.close();
          };
        }
      });
    },
  });
  door.release();
  cut();
  await expect(maya.locator('body[data-watching="down"]')).toBeAttached();
  await expect(maya.locator('.presence')).toContainText('Reconnecting…', { useInnerText: true });
  await expect(maya.locator('body[data-watching="live"]')).toBeAttached();
  expect(sockets).toBe(2);
  expect(door.asked).toEqual([]);

  const priya = await priyaSets(browser, '19');
  const theirs = maya.getByRole('article', { name: 'Objective: Deploys are boring' });
  await expect(theirs.getByRole('button', { name: 'Edit current value of Deploy time' })).toHaveText('19');
  await expect(maya.locator('.live-dot.live-live')).toBeAttached();
  await maya.context().close();
  await priya.context().close();
});

test('waking a board changes nothing on it: a done milestone stays done, and the version stays', async ({ browser }) => {
  // Noor ticks her milestone done on a running board.
  const noor = await liveBoardOf(browser, 'noor@northstar.demo');
  const cycle = noor.url().match(/\/cycles\/(\d+)\//)![1];
  const version = async () =>
    ((await (await noor.request.post('/api/get_board', { form: { cycle_id: cycle }, headers: { accept: 'application/json' } })).json()) as {
      version: number;
    }).version;
  const unticked = await version();
  await noor.getByRole('checkbox', { name: 'Interview 20 trial users done' }).check();
  await expect.poll(version).toBe(unticked + 1);
  const before = unticked + 1;

  // Maya reads the board afresh: the box is ticked before and after it wakes.
  const { page: maya, door } = await afresh(browser, 'maya@northstar.demo');
  const box = maya.getByRole('checkbox', { name: 'Interview 20 trial users done' });
  await expect(box).toBeChecked();
  door.release();
  await hydrated(maya);
  await expect(maya.locator('.live-dot.live-live')).toBeAttached();
  await expect(box).toBeChecked();
  await maya.waitForTimeout(500);
  expect(await version()).toBe(before);

  // A box ticked before the page could answer is ticked once it can.
  const { page: again, door: second } = await afresh(browser, 'maya@northstar.demo');
  const boxAgain = again.getByRole('checkbox', { name: 'Interview 20 trial users done' });
  // Held: it keeps its tick until the page can untick it and say so.
  await boxAgain.click();
  await expect(boxAgain).toBeChecked();
  await expect.poll(() => second.asked.length).toBeGreaterThan(0);
  await expect(again.locator('body[data-hydrated]')).toHaveCount(0);
  second.release();
  await expect(boxAgain).not.toBeChecked();
  await expect.poll(version).toBe(before + 1);
  await noor.context().close();
  await maya.context().close();
  await again.context().close();
});

test('a key wakes a board, and the focus stays where it went', async ({ browser }) => {
  const { page, door } = await afresh(browser, 'jonas@northstar.demo');
  door.release();
  await page.keyboard.press('Tab');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.locator('[data-wake-socket][data-awake]')).toBeAttached();
  expect(door.asked.length).toBeGreaterThan(0);
  await expect(page.locator(':focus')).toHaveCount(1);
  await page.context().close();
});

test('the alignment map is read first too, says it is live, and a mouse over it wakes it', async ({ browser }) => {
  const { page, door } = await afresh(browser, 'maya@northstar.demo', { view: 'map' });
  await expect(page.locator('.presence')).toHaveText('Live', { useInnerText: true });
  await page.waitForTimeout(500);
  expect(door.asked).toEqual([]);
  door.release();
  await hydrated(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  await expect(page.locator('.presence')).toHaveText('Live', { useInnerText: true });
  await page.context().close();
});

test('a board whose files are gone when it wakes (a new version installed meanwhile) loads afresh and starts', async ({ browser }) => {
  const { page, door } = await afresh(browser, 'jonas@northstar.demo');
  door.release();
  // The glue the page names answers 404 once, as after an upgrade.
  let gone = 1;
  await page.route(/\/pkg\/northstar\.[^/]+\.js$/, (route) => (gone-- > 0 ? route.fulfill({ status: 404 }) : route.continue()));
  const reloaded = page.waitForEvent('load');
  await page.mouse.move(20, 20);
  await reloaded;
  expect(gone).toBe(0);
  await hydrated(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  await page.context().close();
});
