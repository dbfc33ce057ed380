import { expect, test, type Browser } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, openCurrentBoard, signIn } from './support';

// These journeys change passwords, so they use people of their own, made
// by the ambassador, and leave the demo's accounts as they are.
const NEW_PASSWORD = 'a brand new passphrase';
const FIRST_PASSWORD = 'first passphrase here';

async function createPerson(browser: Browser, name: string, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  const status = await page.evaluate(
    async ([name, email, password]) => {
      const response = await fetch('/api/create_person', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ name, email, role: 'member', unit_id: '', password }).toString(),
      });
      return response.status;
    },
    [name, email, FIRST_PASSWORD],
  );
  expect(status).toBe(200);
  await context.close();
}

test('a person changes their password; a wrong current one is named, and their other browser is signed out', async ({ browser }) => {
  await createPerson(browser, 'Ines Kaya', 'ines@northstar.demo');
  const laptop = await (await browser.newContext()).newPage();
  const phone = await (await browser.newContext()).newPage();
  await signIn(phone, 'ines@northstar.demo', FIRST_PASSWORD);
  await expect(phone.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(phone);
  await expect(phone.locator('.live-dot.live-live')).toBeAttached();

  await signIn(laptop, 'ines@northstar.demo', FIRST_PASSWORD);
  await laptop.getByRole('link', { name: 'Ines Kaya' }).click();
  await expect(laptop.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await hydrated(laptop);

  await laptop.getByLabel('Current password').fill('not my password');
  await laptop.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await laptop.getByLabel('New password, again').fill(NEW_PASSWORD);
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await expect(laptop.getByRole('alert').filter({ hasText: 'That is not your current password.' })).toBeVisible();
  // What was typed stays.
  await expect(laptop.getByLabel('New password', { exact: true })).toHaveValue(NEW_PASSWORD);

  await laptop.getByLabel('Current password').fill(FIRST_PASSWORD);
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await expect(laptop.getByRole('status').filter({ hasText: 'Password changed.' })).toBeVisible();
  await expect(laptop.getByLabel('Current password')).toHaveValue('');
  await laptop.screenshot({ path: '../target/e2e/profile.png', fullPage: true });

  // The other browser's board stops and says why.
  await expect(phone.getByRole('alert').filter({ hasText: 'the password of this account was changed' })).toBeVisible();
  // This one is still signed in; the new password works from now on.
  await laptop.reload();
  await expect(laptop.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await laptop.context().close();
  await phone.context().close();
});

test('the ambassador makes a reset link; it sets a new password once', async ({ browser }) => {
  await createPerson(browser, 'Omar Farouk', 'omar@northstar.demo');
  const maya = await (await browser.newContext()).newPage();
  await signIn(maya, AMBASSADOR, DEMO_PASSWORD);
  await expect(maya.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await maya.goto('/admin');
  await hydrated(maya);
  const shown = maya.getByRole('status', { name: 'Password reset link' });
  // The people list is its own lazily loaded part of the page: a click that
  // lands before it has hydrated does nothing, so click until it answers.
  await expect(async () => {
    await maya.getByRole('button', { name: 'Reset the password of Omar Farouk' }).click();
    await expect(shown).toContainText('Send this link to Omar Farouk', { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  const link = (await shown.locator('code').textContent()) ?? '';
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/reset\/[0-9a-f]{64}$/);
  await maya.screenshot({ path: '../target/e2e/reset-link.png' });

  const omar = await (await browser.newContext()).newPage();
  await omar.goto(link);
  await hydrated(omar);
  await expect(omar.getByText('For Omar Farouk')).toBeVisible();
  await omar.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await omar.getByLabel('New password, again').fill('something else entirely');
  await omar.getByRole('button', { name: 'Set password' }).click();
  await expect(omar.getByRole('alert').filter({ hasText: 'The two passwords differ' })).toBeVisible();
  await omar.getByLabel('New password, again').fill(NEW_PASSWORD);
  await omar.getByRole('button', { name: 'Set password' }).click();
  await expect(omar.getByRole('status').filter({ hasText: 'Your password is set' })).toBeVisible();
  await omar.getByRole('link', { name: 'Sign in' }).click();
  await hydrated(omar);
  await omar.getByLabel('Email').fill('omar@northstar.demo');
  await omar.getByLabel('Password').fill(NEW_PASSWORD);
  await omar.getByRole('button', { name: 'Sign in' }).click();
  await expect(omar.getByRole('button', { name: 'Sign out' })).toBeVisible();

  // The link is used up.
  await omar.goto(link);
  await expect(omar.getByRole('alert').filter({ hasText: 'expired or was already used' })).toBeVisible();
  await maya.context().close();
  await omar.context().close();
});
