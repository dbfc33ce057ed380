import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, openCurrentBoard, journeysOn, ownServer, signIn } from './support';

// Dragging cards to columns out of sight: the board scrolls under the
// pointer, at the laptop size every journey runs at (1366×768) with the
// mouse and on a phone (390×844) with a finger. The journeys give demo
// objectives to other units, so they run on a server of their own.
const own = ownServer(Number(process.env.E2E_DRAG_PORT ?? 3110), '../target/e2e/drag.db');
const { base } = own;

journeysOn(own);

function column(page: Page, name: string) {
  return page.getByRole('region', { name: `${name} column`, exact: true });
}

function card(page: Page, title: string) {
  return page.getByRole('article', { name: `Objective: ${title}` });
}

/** The ambassador's board of the current cycle, live, grouped by unit or by status. */
async function board(page: Page, byUnit: boolean) {
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);
  if (byUnit) {
    await page.getByRole('link', { name: 'By unit' }).click();
    await expect(page).toHaveURL(/group=unit/);
  }
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
}

/** The board again after a reload: what it shows is what the server stored. */
async function reloaded(page: Page) {
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
}

/** The centre of what `locator` shows, in viewport pixels. */
async function centre(locator: ReturnType<Page['locator']>) {
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Whether the columns are scrolled to their `end` ('left' or 'right'). */
function scrolledTo(page: Page, end: 'left' | 'right') {
  return page.locator('.columns').evaluate((el, end) => {
    return end === 'left' ? el.scrollLeft === 0 : Math.ceil(el.scrollLeft + el.clientWidth) >= el.scrollWidth;
  }, end);
}

test('with the mouse at 1366×768, a card dragged to the edge scrolls the columns to one out of sight and lands there', async ({ page }) => {
  await board(page, true);
  const answers = card(page, 'Customers get answers the same day');
  const discovery = column(page, 'Product › Discovery');
  await expect(column(page, 'Customer Success › Support').getByRole('article')).toHaveCount(1);
  await expect(discovery).not.toBeInViewport();

  const from = await centre(answers.getByRole('progressbar', { name: 'Progress of Customers get answers the same day' }));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y, { steps: 3 });
  await expect(answers).toHaveClass(/dragging/);
  await expect(page.locator('.drag-ghost')).toHaveText('Customers get answers the same day');
  // Resting at the right edge: the columns keep scrolling to their end.
  await page.mouse.move(1360, from.y, { steps: 10 });
  await expect.poll(() => scrolledTo(page, 'right')).toBe(true);
  await expect(discovery).toBeInViewport();
  const to = await centre(discovery.getByRole('heading'));
  await page.mouse.move(to.x, to.y + 60, { steps: 5 });
  await expect(discovery).toHaveClass(/drop-over/);
  await page.screenshot({ path: '../target/e2e/drag-1366.png' });
  await page.mouse.up();

  await expect(discovery.getByRole('article', { name: 'Objective: Customers get answers the same day' })).toBeVisible();
  await expect(page.locator('.drag-ghost')).toHaveCount(0);
  await reloaded(page);
  await expect(column(page, 'Product › Discovery').getByRole('article', { name: 'Objective: Customers get answers the same day' })).toBeVisible();
  await expect(column(page, 'Customer Success › Support')).toHaveCount(0);
});

test('with the mouse at 1366×768, a card dragged to the bottom scrolls the page to an objective below and supports it', async ({ page }) => {
  await board(page, false);
  const trials = column(page, 'Draft').getByRole('article', { name: 'Objective: We know why trials stall' });
  const answers = card(page, 'Customers get answers the same day');
  const from = await centre(trials.getByRole('progressbar', { name: 'Progress of We know why trials stall' }));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x, from.y + 30, { steps: 3 });
  const zone = answers.getByText('Drop here: it supports this objective');
  await expect(zone).toBeAttached();
  await expect(zone).not.toBeInViewport();
  // Resting at the bottom edge: the page scrolls down to its end.
  await page.mouse.move(from.x + 200, 764, { steps: 10 });
  await expect
    .poll(() => page.evaluate(() => Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight))
    .toBe(true);
  await expect(zone).toBeInViewport();
  const to = await centre(zone);
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await expect(zone).toHaveClass(/drop-over/);
  await page.mouse.up();

  await expect(trials.getByText('Supports: Customers get answers the same day')).toBeVisible();
  await reloaded(page);
  await expect(card(page, 'We know why trials stall').getByText('Supports: Customers get answers the same day')).toBeVisible();
});

/** A phone: a touch screen 390 pixels wide, as Chromium emulates it. */
async function phone(browser: Browser) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  return context.newPage();
}

/** One finger on `page`, through the browser's own touch input (so it scrolls, as a finger does). */
async function finger(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  let at = { x: 0, y: 0 };
  const send = (type: string, points: { x: number; y: number }[]) =>
    cdp.send('Input.dispatchTouchEvent', { type: type as 'touchStart', touchPoints: points });
  return {
    async down(x: number, y: number) {
      at = { x, y };
      await send('touchStart', [at]);
    },
    async move(x: number, y: number, steps = 8) {
      const from = at;
      for (let i = 1; i <= steps; i++) {
        at = { x: from.x + ((x - from.x) * i) / steps, y: from.y + ((y - from.y) * i) / steps };
        await send('touchMove', [at]);
      }
    },
    async up() {
      await send('touchEnd', []);
    },
  };
}

test('on a phone, a finger scrolls the columns, and drags a card by its grip to a column out of sight', async ({ browser }) => {
  const page = await phone(browser);
  await board(page, true);
  const touch = await finger(page);
  // From the last column to the first, whichever units they are (the
  // journeys before may have moved cards and emptied a column).
  const columns = page.getByRole('region', { name: / column$/ });
  const first = columns.first();
  const firstName = (await first.getAttribute('aria-label'))!;
  const moving = columns.last().getByRole('article').first();
  const name = (await moving.getAttribute('aria-label'))!;
  const grip = moving.getByTitle('Drag to move');
  expect(await scrolledTo(page, 'left')).toBe(true);
  await expect(first).toBeInViewport();
  await expect(moving).not.toBeInViewport();

  // A finger on a card (the next column's, away from its grip) scrolls the
  // columns, and drags nothing.
  const heading = await centre(first.getByRole('heading'));
  for (let swipe = 0; swipe < 8 && !(await grip.evaluate(inView)); swipe++) {
    await touch.down(360, heading.y + 120);
    await touch.move(40, heading.y + 120);
    await touch.up();
    await page.waitForTimeout(600); // the swipe's glide and snap
  }
  await expect(grip).toBeInViewport();
  await expect(page.locator('.card.dragging')).toHaveCount(0);
  expect(await scrolledTo(page, 'left')).toBe(false);

  // The grip: the card follows the finger, and the left edge scrolls back to the first column.
  const from = await centre(grip);
  await touch.down(from.x, from.y);
  await touch.move(from.x - 20, from.y + 10, 3);
  await expect(moving).toHaveClass(/dragging/);
  await expect(page.locator('.drag-ghost')).toBeVisible();
  await touch.move(2, from.y + 10, 10);
  await expect.poll(() => scrolledTo(page, 'left')).toBe(true);
  const to = await centre(first.getByRole('heading'));
  await touch.move(to.x, to.y + 60, 5);
  await expect(first).toHaveClass(/drop-over/);
  await page.screenshot({ path: '../target/e2e/drag-phone.png' });
  await touch.up();

  await expect(first.getByRole('article', { name, exact: true })).toBeVisible();
  await reloaded(page);
  await expect(page.getByRole('region', { name: firstName, exact: true }).getByRole('article', { name, exact: true })).toBeVisible();
  await page.screenshot({ path: '../target/e2e/board-phone.png' });
  await page.context().close();
});

test('a session that ends in another tab mid-drag: the board says so, and the drop moves nothing', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await board(page, false);
  const draft = column(page, 'Draft').getByRole('article').first();
  const name = (await draft.getAttribute('aria-label'))!;
  const moving = page.getByRole('article', { name, exact: true });

  const from = await centre(moving.locator('.card-grip'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y, { steps: 3 });
  await expect(moving).toHaveClass(/dragging/);

  // The same session signs out in another tab while the card is in the air.
  const other = await context.newPage();
  await other.goto('/');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('alert').filter({ hasText: 'You have been signed out.' })).toBeVisible();

  const proposed = column(page, 'Proposed');
  const to = await centre(proposed.getByRole('heading'));
  await page.mouse.move(to.x, to.y + 60, { steps: 5 });
  await page.mouse.up();
  await expect(proposed.getByRole('article', { name, exact: true })).toHaveCount(0);
  await expect(page.locator('.drag-ghost')).toHaveCount(0);

  // Signed in again: the card never moved.
  await other.close();
  const again = await (await browser.newContext()).newPage();
  await board(again, false);
  await expect(column(again, 'Draft').getByRole('article', { name, exact: true })).toBeVisible();
  await expect(column(again, 'Proposed').getByRole('article', { name, exact: true })).toHaveCount(0);
  await context.close();
  await again.context().close();
});

/** Whether an element lies wholly inside the window (run in the page). */
function inView(element: Element) {
  const r = element.getBoundingClientRect();
  return r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
}
