import { defineConfig } from '@playwright/test';

// Northstar's user journeys, in Debian's chromium (never a downloaded browser).
// The server is the release binary that `make test` has just built, on its
// own port and a fresh database with the demo organisation.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const database = '../target/e2e/northstar.db';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // One server, one database: journeys run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // No retries: a journey that fails, fails. (There was one, while pages
  // sometimes died hydrating; see docs/development.md.)
  retries: 0,
  // The JSON report lets `scripts/failures.mjs` repeat what failed at the end.
  reporter: [['list'], ['json', { outputFile: '../target/e2e/results.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // A laptop's screen: cards are dragged with pointer events, and the board
    // scrolls under a drag (app/src/board/drag.rs); drag.spec.ts adds a phone.
    viewport: { width: 1366, height: 768 },
    screenshot: 'only-on-failure',
    launchOptions: {
      // An exported but empty CHROMIUM_PATH counts as unset (Playwright would
      // look for a browser of its own).
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // This machine has no network beyond the registries: keep chromium from phoning home.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command:
      `rm -f ${database} ${database}-wal ${database}-shm && mkdir -p ../target/e2e && ` +
      `RUST_LOG=warn ../target/release/northstar serve --demo --addr 127.0.0.1:${port} ` +
      `--database-url sqlite://${database}`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
