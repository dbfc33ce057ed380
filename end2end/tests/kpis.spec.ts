import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, day, hydrated, openCurrentBoard, journeysOn, ownServer, signIn } from './support';

// KPI journeys add objectives and celebrations the other specs do not
// expect, so they run on a server and database of their own.
const own = ownServer(Number(process.env.E2E_KPI_PORT ?? 3102), '../target/e2e/kpis.db');
const { base } = own;
const SAM = 'sam@northstar.demo'; // lead of Support

journeysOn(own);

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return page;
}

test('a lead adds a KPI with thresholds, pastes its readings, and it turns critical', async ({ browser }) => {
  const page = await signedIn(browser, SAM);
  await page.goto('/kpis');
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Average reply time' })).toBeVisible();
  await page.getByRole('button', { name: 'New KPI' }).click();
  await page.getByLabel('Name').fill('Tickets reopened');
  await page.getByLabel('What it measures').fill('Share of solved tickets the customer reopens.');
  await page.getByLabel('Owning unit').selectOption({ label: 'Customer Success › Support' });
  await page.getByLabel('Owner').selectOption({ label: 'Sam Okafor' });
  await page.getByLabel('Measured in').fill('%');
  await page.getByLabel('Direction').selectOption('lower');
  await page.getByLabel('Healthy from').fill('5');
  await page.getByLabel('Critical from').fill('three');
  await page.getByLabel('Read', { exact: true }).selectOption('weekly');
  await page.getByRole('button', { name: 'Add KPI' }).click();
  // A bad threshold is named beside its field; nothing typed is lost.
  await expect(page.getByText('Enter a number, like 42 or 12.5.')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('Tickets reopened');
  await page.getByLabel('Critical from').fill('10');
  await page.getByRole('button', { name: 'Add KPI' }).click();

  await expect(page.getByRole('heading', { name: 'Tickets reopened', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/kpis\/\d+$/);
  await hydrated(page);
  await page.getByText('Paste readings as CSV').click();
  const csv = page.getByLabel('One reading per line: date,value');
  const pasted = `date,value\n${day(-21)},4.1\n${day(-14)};6,5\n${day(-7)},seven\n${day(0)},11.2`;
  await csv.fill(pasted);
  await page.getByRole('button', { name: 'Add these readings' }).click();
  await expect(page.getByText(/Line 4: .*seven/)).toBeVisible();
  await expect(csv).toHaveValue(pasted);

  await csv.fill(pasted.replace('seven', '7.5'));
  await page.getByRole('button', { name: 'Add these readings' }).click();
  const readings = page.locator('table.kpi-readings');
  await expect(readings.locator('tbody tr')).toHaveCount(4);
  await expect(page.locator('.kpi-status-line')).toContainText('Critical');
  await expect(page.locator('.kpi-status-line .flag-badge')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create an objective from this KPI' })).toBeVisible();
  await page.screenshot({ path: '../target/e2e/kpi-page.png', fullPage: true });

  await page.goto('/kpis');
  await hydrated(page);
  const row = page.locator('tr[data-kpi]').filter({ hasText: 'Tickets reopened' });
  await expect(row).toHaveClass(/row-flagged/);
  await expect(row.locator('.sparkline')).toBeVisible();
  await page.screenshot({ path: '../target/e2e/kpis.png', fullPage: true });
  await page.context().close();
});

/** The ambassador makes a token that records readings of every KPI. */
async function apiToken(browser: Browser): Promise<string> {
  const page = await signedIn(browser, AMBASSADOR);
  await page.goto('/admin/tokens');
  await hydrated(page);
  await page.getByLabel('Name').fill('Help desk');
  await page.getByLabel('May').selectOption('kpi:write');
  await page.getByRole('button', { name: 'Add token' }).click();
  const secret = (await page.locator('.token-secret').textContent())!.trim();
  expect(secret).toMatch(/^ns_[0-9a-f]{64}$/);
  await page.context().close();
  return secret;
}

async function push(kpi: string, value: number, note = '') {
  return fetch(`${base}/api/v1/kpis/${kpi}/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ date: day(0), value, note }),
  });
}

let token = '';

test('an objective born from a flagged KPI follows its readings on the board and its recovery is celebrated on a screen', async ({ browser }) => {
  token = await apiToken(browser);
  const page = await signedIn(browser, SAM);
  await page.goto('/kpis');
  await hydrated(page);
  await page.getByRole('link', { name: 'Average reply time' }).click();
  await expect(page.getByRole('heading', { name: 'Average reply time', level: 1 })).toBeVisible();
  const kpi = page.url().split('/').pop()!;
  await hydrated(page);
  await page.getByRole('link', { name: 'Create an objective from this KPI' }).click();

  // The board's form, prefilled from the KPI.
  await expect(page).toHaveURL(/\/cycles\/\d+\/board\?from_kpi=\d+$/);
  const form = page.getByRole('region', { name: /New objective from the KPI/ });
  await expect(form.getByLabel('Objective')).toHaveValue('Bring average reply time back to healthy');
  await expect(form.getByLabel('Why it is important')).toHaveValue(/8\.6/);
  await expect(form.getByLabel('From (latest reading)')).toHaveValue('8.6');
  await expect(form.getByLabel('To (healthy)')).toHaveValue('4');
  await hydrated(page);
  await page.screenshot({ path: '../target/e2e/board-from-kpi.png' });
  await form.getByRole('button', { name: 'Add objective' }).click();

  const card = page.getByRole('article', { name: 'Objective: Bring average reply time back to healthy' });
  await expect(page.getByRole('region', { name: 'Draft column' }).locator(card)).toBeVisible();
  await card.getByText('Actions').click();
  await card.getByLabel('Why it is urgent now').fill('The holiday peak starts in four weeks.');
  await card.getByRole('button', { name: 'Save details' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  for (const column of ['Proposed', 'Active']) {
    const move = page.getByRole('button', { name: `Move to ${column}: Bring average reply time back to healthy` });
    if (!(await move.isVisible())) await card.getByText('Actions').click();
    await move.click();
    await expect(page.getByRole('region', { name: `${column} column` }).locator(card)).toBeVisible();
  }

  // Another system pushes a reading: the key result moves on the open board.
  await openCurrentBoard(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  const keyResults = card.getByRole('list', { name: 'Key results' });
  await expect(keyResults).toContainText('8.6');
  const kpiPage = await signedIn(browser, 'priya@northstar.demo');
  await kpiPage.goto(`/kpis/${kpi}`);
  await hydrated(kpiPage);
  await expect(kpiPage.locator('.kpi-status-line')).toContainText('Critical');
  expect((await push(kpi, 6.1, 'Two new agents started')).status).toBe(200);
  await expect(keyResults).toContainText('6.1');
  // …and on the KPI's open page, without a reload.
  await expect(kpiPage.locator('table.kpi-readings')).toContainText('Two new agents started');
  await expect(kpiPage.locator('.kpi-status-line')).toContainText('Warning');
  await kpiPage.context().close();

  // An office screen, then the KPI back to healthy: the screen celebrates it.
  const admin = await signedIn(browser, AMBASSADOR);
  await admin.goto('/admin/screens');
  await hydrated(admin);
  await admin.getByLabel('Name').fill('Support corner');
  await admin.getByLabel('Seconds per view').fill('5');
  await admin.getByRole('button', { name: 'Add screen' }).click();
  const address = (await admin.locator('a.screen-address').getAttribute('href'))!;
  const tv = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
  const screen = await tv.newPage();
  await screen.goto(address);
  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  expect((await push(kpi, 3.6)).status).toBe(200);
  await expect(keyResults).toContainText('3.6');
  const celebration = screen.locator('.celebration-recovered');
  await expect(celebration).toContainText('Average reply time is healthy again — Support', { timeout: 15_000 });
  await expect(celebration).toBeVisible({ timeout: 15_000 });
  await screen.screenshot({ path: '../target/e2e/screen-recovered.png' });
  // Three celebrations side by side: every name fits its card.
  const wider = await screen.evaluate(() => {
    (document.querySelector('main.screen') as HTMLElement).dataset.showing = 'celebrations';
    return [...document.querySelectorAll('.celebration > *')]
      .filter((text) => {
        const card = text.parentElement!.getBoundingClientRect();
        return text.scrollWidth > text.clientWidth + 1 || text.getBoundingClientRect().right > card.right;
      })
      .map((text) => text.textContent);
  });
  expect(wider).toEqual([]);
  await tv.close();
  await admin.context().close();
  await page.context().close();
});
