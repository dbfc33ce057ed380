import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, openCurrentBoard, signIn } from './support';

test('signing out in one tab stops the board in another and says why', async ({ browser }) => {
  const context = await browser.newContext();
  const board = await context.newPage();
  await signIn(board, 'noor@northstar.demo', DEMO_PASSWORD);
  await expect(board.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(board);
  await expect(board.locator('.live-dot.live-live')).toBeAttached();

  // The same session in a second tab signs out.
  const other = await context.newPage();
  await other.goto('/');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/sign-in$/);

  // The board's tab says so within moments, offers the way back, and stops.
  const notice = board.getByRole('alert').filter({ hasText: 'You have been signed out.' });
  await expect(notice).toBeVisible({ timeout: 3_000 });
  await expect(notice.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in');
  await expect(board.locator('.live-dot.live-stopped')).toBeAttached();
  // The header no longer names the person or offers to sign out.
  await expect(board.getByRole('banner').getByRole('link', { name: 'Noor' })).toHaveCount(0);
  await expect(board.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await board.screenshot({ path: '../target/e2e/signed-out-board.png' });
  // No reconnecting loop: it stays stopped.
  await board.waitForTimeout(1_500);
  await expect(board.locator('.live-dot.live-reconnecting')).toHaveCount(0);
  await context.close();
});
