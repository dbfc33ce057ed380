import { expect, test, type Page } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, openCurrentBoard, signIn } from './support';

// Every main page hydrates under the Content-Security-Policy, and the
// browser reports no violation on any of them.

/** Records every CSP violation and every console message about the policy. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(
        `${e.violatedDirective} ${e.blockedURI}`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

async function pageViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);
}

test('every main page hydrates under the content security policy without a violation', async ({ page }) => {
  const console = await watchViolations(page);
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const visited: string[] = [];
  const visit = async (path: string) => {
    const response = await page.goto(path);
    expect(response?.headers()['content-security-policy'] ?? '', path).toContain("'nonce-");
    expect(response?.headers()['x-content-type-options'], path).toBe('nosniff');
    await hydrated(page);
    expect(await pageViolations(page), path).toEqual([]);
    visited.push(path);
  };
  for (const path of ['/', '/cycles', '/leaderboard', '/lessons', '/admin', '/admin/units', '/admin/screens', '/profile']) {
    await visit(path);
  }

  // The board goes live (its websocket is allowed), and an objective page draws its charts.
  await openCurrentBoard(page);
  await expect(page.locator('.live-dot.live-live')).toBeAttached();
  expect(await pageViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'Open Deploys are boring' }).click();
  await expect(page.getByRole('heading', { name: 'Deploys are boring', level: 1 })).toBeVisible();
  await hydrated(page);
  expect(await pageViolations(page)).toEqual([]);

  // An office screen: no WebAssembly, its own script, live.
  const created = await page.evaluate(async () => {
    const response = await fetch('/api/create_screen', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'name=CSP%20check&rotate_seconds=15',
    });
    return response.json();
  });
  const screen = await page.goto(created.path);
  expect(screen?.headers()['content-security-policy'] ?? '').toContain("frame-ancestors 'none'");
  await expect(page.locator('.live-mark[data-link="live"]')).toBeAttached();
  expect(await pageViolations(page)).toEqual([]);

  expect(console, `console on ${visited.join(', ')}`).toEqual([]);
});
