import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMBASSADOR, DEMO_PASSWORD, signIn } from './support';
import { commandLines, docBlocks, healthy, startNorthstar, type Started } from './deployment';

// One instance as docs/deploy.md runs it: the systemd unit's command line,
// then the backup it recommends, taken while the server runs, checked, and
// restored.

const PORT = Number(process.env.E2E_DEPLOY_PORT ?? 3108);
const base = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), 'northstar-e2e-deploy-'));

test.use({ baseURL: base });

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unit's `ExecStart`, as a command line with this test's folders and port. */
function serveLine(): { line: string; replace: Record<string, string> } {
  const [unit] = docBlocks('## One instance (SQLite)', 'ini');
  const execStart = unit.split('\n').find((line) => line.startsWith('ExecStart='))!;
  return {
    line: execStart.replace('ExecStart=/usr/local/bin/northstar', 'northstar'),
    replace: {
      '127.0.0.1:3000': `127.0.0.1:${PORT}`,
      'sqlite:///var/lib/northstar/northstar.db': `sqlite://${join(dir, 'northstar.db')}`,
        'https://okr.example.org': base,
    },
  };
}

/** The `northstar` lines of the one-instance section's shell blocks (backup, restore). */
function northstarLines(): string[] {
  return docBlocks('## One instance (SQLite)', 'sh')
    .flatMap(commandLines)
    .filter((line) => line.startsWith('northstar '))
    .map((line) =>
      line
        .replaceAll('sqlite:///var/lib/northstar/northstar.db', `sqlite://${join(dir, 'northstar.db')}`)
        .replaceAll('/var/backups/northstar-2026-12-01.db', join(dir, 'backup.db')),
    );
}

/** Runs a documented `northstar …` line; returns what it printed. */
function run(line: string): string {
  return execFileSync('../target/release/northstar', line.split(/\s+/).slice(1), {
    encoding: 'utf8',
    env: { ...process.env, RUST_LOG: 'warn' },
  });
}

test("the unit's command line serves, and the documented backup restores a working database", async ({ page }) => {
  test.setTimeout(120_000);
  const { line, replace } = serveLine();
  // The demo organisation, so there is something to back up.
  let server: Started = startNorthstar('northstar', line, replace, ['--demo']);
  await healthy(`${base}/healthz`);
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();

  // Backed up while it runs, as the guide says; the copy is checked.
  const [backup, restore] = northstarLines();
  expect(backup).toMatch(/^northstar backup /);
  expect(restore).toMatch(/^northstar restore /);
  expect(run(backup)).toContain('integrity check ok');
  const people = (file: string) =>
    execFileSync('sqlite3', [file, 'SELECT count(*) FROM people'], { encoding: 'utf8' }).trim();
  expect(people(join(dir, 'backup.db'))).toBe(people(join(dir, 'northstar.db')));

  // Restored as the guide says: stop, restore over the database, start.
  await server.kill('SIGTERM');
  expect(run(restore)).toContain('Restored');
  server = startNorthstar('northstar', line, replace, []);
  await healthy(`${base}/healthz`);
  await page.context().clearCookies();
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await server.kill('SIGTERM');
});
