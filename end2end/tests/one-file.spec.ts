import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMBASSADOR, DEMO_PASSWORD, healthyAt, hydrated, openCurrentBoard, signIn } from './support';

// The release binary alone in an empty folder: no site beside it, no
// --site-root, started from that folder. It serves hydrated pages, the
// board's lazy chunks and the office screen's script from what it carries.

const PORT = Number(process.env.E2E_ONE_FILE_PORT ?? 3109);
const base = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), 'northstar-e2e-one-file-'));
let server: ChildProcess | undefined;

test.use({ baseURL: base });

test.beforeAll(async () => {
  copyFileSync('../target/release/northstar', join(dir, 'northstar'));
  expect(readdirSync(dir)).toEqual(['northstar']);
  const env: NodeJS.ProcessEnv = { ...process.env, RUST_LOG: 'warn' };
  delete env.LEPTOS_SITE_ROOT;
  // (The copy keeps the file's mode: it is executable.)
  server = spawn('./northstar', ['serve', '--demo', '--addr', `127.0.0.1:${PORT}`], {
    cwd: dir,
    env,
    stdio: 'ignore',
  });
  await healthyAt(base);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the binary alone in an empty folder serves a hydrated app', async ({ page }) => {
  test.setTimeout(60_000);
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  // The board is a lazy chunk of its own: loading it proves the split
  // loader and its chunks were found under their hashed names.
  await openCurrentBoard(page);
  await hydrated(page);
  expect(failed).toEqual([]);
  // It made its database where it was started, and nothing else.
  expect(readdirSync(dir).sort()).toEqual(['data', 'northstar']);
});

test('its files are typed, tagged and cached for as long as their names say', async ({ request }) => {
  const page = await request.get('/sign-in');
  expect(page.headers()['cache-control']).toBe('no-cache, private');
  const html = await page.text();
  // The module is named in the script that starts it (after the first paint).
  const wasm = html.match(/"(\/pkg\/northstar\.[A-Za-z0-9_-]{22}\.wasm)"/)?.[1];
  const css = html.match(/href="(\/pkg\/northstar\.[A-Za-z0-9_-]{22}\.css)"/)?.[1];
  expect(wasm, 'the page links a hashed module').toBeTruthy();
  expect(css, 'the page links a hashed stylesheet').toBeTruthy();

  const module = await request.get(wasm!, { headers: { 'accept-encoding': 'br' } });
  expect(module.status()).toBe(200);
  expect(module.headers()['content-type']).toBe('application/wasm');
  expect(module.headers()['content-encoding']).toBe('br');
  expect(module.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const tag = module.headers()['etag'];
  expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
  const again = await request.get(wasm!, {
    headers: { 'accept-encoding': 'br', 'if-none-match': tag },
  });
  expect(again.status()).toBe(304);

  const stylesheet = await request.get(css!, { headers: { 'accept-encoding': 'gzip' } });
  expect(stylesheet.headers()['content-type']).toBe('text/css');
  expect(stylesheet.headers()['content-encoding']).toBe('gzip');

  const screen = await request.get('/screen.js');
  expect(screen.status()).toBe(200);
  expect(screen.headers()['content-type']).toBe('text/javascript');
  expect(screen.headers()['cache-control']).toBe('no-cache');
});
