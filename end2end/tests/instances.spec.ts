import { expect, test, type Browser, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, openCurrentBoard, signIn } from './support';
import {
  commandLines,
  docBlocks,
  healthy,
  startCluster,
  startNginx,
  startNorthstar,
  type Cluster,
  type Started,
} from './deployment';

// Two Northstar instances on one PostgreSQL, behind nginx, as
// docs/deploy.md sets them up: two people edit one board through the
// proxy, each on another instance, with an office screen on a third
// connection; then the instance under one of them is killed with SIGKILL,
// and that browser carries on through the other, without a reload and
// without missing what was changed meanwhile.

const PROXY_PORT = Number(process.env.E2E_PROXY_PORT ?? 3107);
const PORTS = [3105, 3106];
const proxy = `http://127.0.0.1:${PROXY_PORT}`;
const KR = 'Rollbacks per month';

let cluster: Cluster;
let nginx: Started;
const instances: { process: Started; id: string; port: number }[] = [];

test.use({ baseURL: proxy });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = startCluster();
  // The database, with docs/deploy.md's createdb line (the throwaway
  // cluster's superuser already is the role it names).
  const [, createdb] = commandLines(docBlocks('### The database', 'sh')[0]);
  cluster.run(createdb.replace(/^runuser -u postgres -- /, '').split(/\s+/));

  const lines = commandLines(docBlocks('### Start each instance', 'sh')[0]);
  expect(lines).toHaveLength(2);
  const replace = {
    'postgres://northstar@localhost/northstar': cluster.url('northstar'),
    '127.0.0.1:3001': `127.0.0.1:${PORTS[0]}`,
    '127.0.0.1:3002': `127.0.0.1:${PORTS[1]}`,
    'https://okr.example.org': proxy,
  };
  // One after the other: the first creates the demo organisation.
  for (const [n, line] of lines.entries()) {
    const process = startNorthstar(`instance ${n + 1}`, line, replace, ['--demo']);
    const { instance } = await healthy(`http://127.0.0.1:${PORTS[n]}/healthz`);
    instances.push({ process, id: instance, port: PORTS[n] });
  }

  const [config] = docBlocks('### nginx in front', 'nginx');
  const ours = config
    .replace('listen 80;', `listen 127.0.0.1:${PROXY_PORT};`)
    .replace('server 127.0.0.1:3001', `server 127.0.0.1:${PORTS[0]}`)
    .replace('server 127.0.0.1:3002', `server 127.0.0.1:${PORTS[1]}`);
  nginx = startNginx(cluster.dir, ours);
  await healthy(`${proxy}/healthz`);
});

test.afterAll(async () => {
  await nginx?.kill('SIGTERM');
  for (const { process } of instances) await process.kill('SIGTERM');
  cluster?.stop();
});

function card(page: Page) {
  return page.getByRole('article', { name: 'Objective: Deploys are boring' });
}

function field(page: Page, label: string) {
  return card(page).getByRole('button', { name: `Edit ${label} of ${KR}` });
}

async function save(page: Page, label: string, value: string) {
  await field(page, label).click();
  const input = card(page).getByLabel(`${label} of ${KR}`, { exact: true });
  await input.fill(value);
  await input.press('Enter');
  await expect(field(page, label)).toHaveText(value);
}

/** A person's browser, signed in through the proxy, on the live board. */
async function boardOf(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: proxy })).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  return page;
}

/** The instances whose board sockets `name` has open, as they tell each other. */
async function instancesOf(name: string): Promise<string[]> {
  const rows = cluster.query('northstar', 'SELECT instance, viewers FROM board_presence');
  return rows.filter(([, viewers]) => (JSON.parse(viewers) as string[]).includes(name)).map(([id]) => id);
}

/** The one instance `name`'s board is on, once the instances agree. */
async function instanceOf(name: string): Promise<string> {
  let found: string[] = [];
  await expect
    .poll(async () => {
      found = await instancesOf(name);
      return found.length;
    })
    .toBe(1);
  return found[0];
}

test('two browsers on two instances behind nginx edit one board; an instance killed under one of them loses nothing', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const maya = await boardOf(browser, AMBASSADOR);
  const mayas = await instanceOf('Maya Lindqvist');
  // Jonas's page on the other instance: nginx takes turns, so a reload or
  // two lands there. A reload makes a fixed number of requests, which could
  // bring the board's socket back to the same instance every time: one
  // more request now and then changes the turn.
  const jonas = await boardOf(browser, 'jonas@northstar.demo');
  for (let tries = 0; (await instanceOf('Jonas Berg')) === mayas; tries++) {
    expect(tries, 'nginx never sent Jonas to the other instance').toBeLessThan(12);
    if (tries % 2 === 1) await jonas.request.get('/healthz');
    await jonas.reload();
    await hydrated(jonas);
    await expect(jonas.locator('.live-dot.live-live')).toBeAttached();
  }
  // Each sees the other, across instances.
  await expect(maya.locator('.presence')).toContainText('Also here: Jonas Berg');
  await expect(jonas.locator('.presence')).toContainText('Also here: Maya Lindqvist');

  // An office screen through the proxy: a third connection.
  const created = await maya.context().request.post('/api/create_screen', {
    form: { name: 'Lobby', rotate_seconds: '60' },
    headers: { accept: 'application/json' },
  });
  expect(created.ok()).toBeTruthy();
  const { path } = (await created.json()) as { path: string };
  const tv = await browser.newContext({ baseURL: proxy, viewport: { width: 1280, height: 720 } });
  const screen = await tv.newPage();
  await screen.goto(path);
  await hydrated(screen);
  await expect(screen.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const platform = screen.locator('.leaderboard-row[data-unit="Platform"] .progress-value');
  const before = await platform.textContent();

  // Jonas's change reaches Maya on the other instance, Maya's reaches Jonas
  // and the screen.
  await save(jonas, 'target', '2');
  await expect(field(maya, 'target')).toHaveText('2');
  await save(maya, 'current value', '2');
  await expect(field(jonas, 'current value')).toHaveText('2');
  await expect(platform).not.toHaveText(before!);
  const moved = await platform.textContent();

  // Pages must not reload from here on: a reload would hide a lost event.
  for (const page of [maya, jonas, screen]) {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  }
  const victim = instances.find(({ id }) => id === mayas)!;
  const survivor = instances.find(({ id }) => id !== mayas)!;
  await victim.process.kill('SIGKILL');
  // At once, while Maya's page has no server: Jonas changes both fields.
  await save(jonas, 'target', '1');
  await save(jonas, 'current value', '6');
  await maya.screenshot({ path: '../target/e2e/instances-reconnecting.png' });

  // Maya's page comes back through nginx to the other instance, and shows
  // what it missed; so does the screen.
  await expect(maya.locator('.live-dot.live-live')).toBeAttached({ timeout: 30_000 });
  await expect(field(maya, 'target')).toHaveText('1');
  await expect(field(maya, 'current value')).toHaveText('6');
  await expect(platform).not.toHaveText(moved!, { timeout: 30_000 });
  await expect.poll(() => instancesOf('Maya Lindqvist')).toContain(survivor.id);

  // And it edits through the survivor; Jonas sees it.
  await save(maya, 'target', '0');
  await expect(field(jonas, 'target')).toHaveText('0');
  for (const page of [maya, jonas, screen]) {
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  }
  await maya.screenshot({ path: '../target/e2e/instances-after-failover.png' });
  await screen.screenshot({ path: '../target/e2e/instances-screen.png' });
});
