import { expect, test, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { AMBASSADOR, liveBoardOf } from './support';

// The alignment map: every objective in its unit's band, a link up to what
// it supports; focus dims what is unrelated; pan and zoom; a link made on a
// board appears on an open map without a reload; the picture downloads.

const COMPANY = 'Engineering ships something customers notice every week';
const PLATFORM = 'Deploys are boring';
const DISCOVERY = 'We know why trials stall';

function node(page: Page, title: string) {
  return page.locator('a.map-node').filter({ has: page.locator('title', { hasText: title }) });
}

async function openMap(page: Page) {
  await page.getByRole('link', { name: 'Alignment map' }).click();
  await expect(page.getByRole('heading', { name: 'Alignment map', level: 1 })).toBeVisible();
  await expect(node(page, PLATFORM)).toBeVisible();
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
}

async function idOf(page: Page, title: string) {
  return (await node(page, title).getAttribute('data-objective')) ?? '';
}

test('the map draws the links, focuses a chain, pans and zooms, and downloads', async ({ browser }) => {
  const page = await liveBoardOf(browser, 'sam@northstar.demo');
  // A laptop's window: the picture is wider than it.
  await page.setViewportSize({ width: 1366, height: 768 });
  await openMap(page);

  // Wider than the window, the picture first opens at a readable size.
  const first = (await page.locator('svg.map').getAttribute('viewBox'))!.split(' ').map(Number);

  // Platform's objective supports Engineering's: a link between them.
  const platform = await idOf(page, PLATFORM);
  const company = await idOf(page, COMPANY);
  await expect(page.locator(`path[data-link="${platform} ${company}"]`)).toHaveCount(1);
  // Each box is a link to its objective, named for screen readers.
  await expect(node(page, PLATFORM)).toHaveAttribute('href', `/objectives/${platform}`);
  await expect(page.getByRole('link', { name: new RegExp(`^${PLATFORM}, Engineering › Platform`) })).toBeVisible();
  await page.screenshot({ path: '../target/e2e/map-1366.png' });

  // Gaps are listed beside the map; picking one lights what it is about.
  const gaps = page.getByRole('list', { name: 'Gaps' });
  await expect(gaps).toContainText('Design has no objective in this cycle.');
  await gaps.getByRole('button', { name: 'Design has no objective in this cycle.' }).click();
  const design = page.locator('g.map-band').filter({ has: page.locator('text', { hasText: /^Design$/ }) }).locator('rect');
  await expect(design).toHaveAttribute('stroke', '#b7791f');
  await gaps.getByRole('button', { name: 'Design has no objective in this cycle.' }).click();
  await expect(design).toHaveAttribute('stroke', '#dde2e9');

  // Focus (here by keyboard) lights the chain and dims the rest.
  await node(page, PLATFORM).focus();
  await expect(node(page, PLATFORM).locator('xpath=../..')).toHaveAttribute('style', /opacity: 1/);
  await expect(node(page, COMPANY).locator('xpath=../..')).toHaveAttribute('style', /opacity: 1/);
  await expect(node(page, DISCOVERY).locator('xpath=../..')).toHaveAttribute('style', /opacity: 0.28/);
  await page.getByRole('button', { name: 'Focus' }).click();
  const svg = page.locator('svg.map');
  const focused = await svg.getAttribute('viewBox');

  // Keys pan and zoom; Fit shows everything again.
  await page.locator('.map-frame').focus();
  await page.keyboard.press('ArrowRight');
  await expect(svg).not.toHaveAttribute('viewBox', focused ?? '');
  const panned = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
  await page.keyboard.press('+');
  const zoomed = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
  expect(zoomed[2]).toBeLessThan(panned[2]);
  await page.getByRole('button', { name: 'Fit' }).click();
  const fitted = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
  expect(fitted[0]).toBeLessThan(0);
  expect(fitted[2]).toBeGreaterThan(zoomed[2]);
  expect(first[2]).toBeLessThan(fitted[2]);

  // A drag pans, and does not open the box it started on.
  const box = (await node(page, COMPANY).boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 60, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/\/map$/);
  const dragged = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
  expect(dragged[0]).toBeLessThan(fitted[0]);

  // The file is the whole picture, standalone.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download SVG' }).click()]);
  const file = fs.readFileSync((await download.path())!, 'utf8');
  expect(download.suggestedFilename()).toMatch(/^alignment-map-\d+\.svg$/);
  expect(file).toContain('<svg');
  expect(file).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(file).toContain(PLATFORM);
  await page.context().close();
});

test('a link made on the board appears on an open map', async ({ browser }) => {
  const watcher = await liveBoardOf(browser, 'sam@northstar.demo');
  await openMap(watcher);
  const discovery = await idOf(watcher, DISCOVERY);
  const company = await idOf(watcher, COMPANY);
  await expect(watcher.locator(`path[data-link="${discovery} ${company}"]`)).toHaveCount(0);
  const disconnected = "None of Discovery's objectives supports anything above it";
  await expect(watcher.getByRole('list', { name: 'Gaps' })).toContainText(disconnected);
  const before = await node(watcher, DISCOVERY).locator('rect').first().getAttribute('y');

  // Maya links Discovery's draft to the company objective on her board,
  // and to Platform's too: it supports two.
  const maya = await liveBoardOf(browser, AMBASSADOR);
  const card = maya.getByRole('article', { name: `Objective: ${DISCOVERY}` });
  await card.getByText('Actions').click();
  await card.getByLabel(`Objective that ${DISCOVERY} supports`).selectOption({ label: COMPANY });
  await card.getByRole('button', { name: `Link ${DISCOVERY}` }).click();
  await expect(card.getByText(`Supports: ${COMPANY}`)).toBeVisible();
  await card.getByLabel(`Objective that ${DISCOVERY} supports`).selectOption({ label: PLATFORM });
  await card.getByRole('button', { name: `Link ${DISCOVERY}` }).click();
  await expect(card.getByText(`Supports: ${COMPANY}; ${PLATFORM}`)).toBeVisible();

  const platform = await idOf(watcher, PLATFORM);
  await expect(watcher.locator(`path[data-link="${discovery} ${company}"]`)).toHaveCount(1);
  await expect(watcher.locator(`path[data-link="${discovery} ${platform}"]`)).toHaveCount(1);
  await expect(watcher.getByRole('list', { name: 'Gaps' })).not.toContainText(disconnected);
  // The box moved below what it now supports.
  const after = await node(watcher, DISCOVERY).locator('rect').first().getAttribute('y');
  expect(Number(after)).toBeGreaterThanOrEqual(Number(before));
  await watcher.setViewportSize({ width: 3840, height: 2160 });
  await watcher.screenshot({ path: '../target/e2e/map-4k.png' });

  // Removing one link takes its line off the open map; the other stays.
  await card.getByRole('button', { name: `${DISCOVERY} no longer supports ${PLATFORM}` }).click();
  await expect(card.getByText(`Supports: ${COMPANY}`, { exact: true })).toBeVisible();
  await expect(watcher.locator(`path[data-link="${discovery} ${platform}"]`)).toHaveCount(0);
  await expect(watcher.locator(`path[data-link="${discovery} ${company}"]`)).toHaveCount(1);
  await maya.context().close();
  await watcher.context().close();
});

test('a link drawn on the map by dragging a box onto another is saved and drawn', async ({ browser }) => {
  const maya = await liveBoardOf(browser, AMBASSADOR);
  await maya.setViewportSize({ width: 1920, height: 1080 });
  await openMap(maya);
  await maya.getByRole('button', { name: 'Fit' }).click();
  const discovery = await idOf(maya, DISCOVERY);
  const platform = await idOf(maya, PLATFORM);
  await expect(maya.locator(`path[data-link="${discovery} ${platform}"]`)).toHaveCount(0);

  const handle = await maya.locator(`.map-link-handle[data-objective="${discovery}"]`).boundingBox();
  const target = await node(maya, PLATFORM).locator('rect').first().boundingBox();
  expect(handle && target).toBeTruthy();
  await maya.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
  await maya.mouse.down();
  await maya.mouse.move(target!.x + target!.width / 2, target!.y + target!.height / 2, { steps: 12 });
  await expect(maya.locator('path.map-drawing')).toHaveCount(1);
  await maya.mouse.up();
  await expect(maya.locator('path.map-drawing')).toHaveCount(0);
  await expect(maya.locator(`path[data-link="${discovery} ${platform}"]`)).toHaveCount(1);

  // A link back down would close a circle: refused, and said on the map.
  const company = await idOf(maya, COMPANY);
  const back = await maya.locator(`.map-link-handle[data-objective="${company}"]`).boundingBox();
  const below = await node(maya, DISCOVERY).locator('rect').first().boundingBox();
  await maya.mouse.move(back!.x + back!.width / 2, back!.y + back!.height / 2);
  await maya.mouse.down();
  await maya.mouse.move(below!.x + below!.width / 2, below!.y + below!.height / 2, { steps: 12 });
  await maya.mouse.up();
  await expect(maya.getByRole('alert').filter({ hasText: 'would close a circle' })).toBeVisible();
  await expect(maya.locator(`path[data-link="${company} ${discovery}"]`)).toHaveCount(0);
  await maya.context().close();
});
