import { expect, test } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, signIn, signOut } from './support';

test('a visitor is sent to the sign-in page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Northstar' })).toBeVisible();
});

test('a wrong password shows one clear message and keeps the email', async ({ page }) => {
  await signIn(page, AMBASSADOR, 'not-the-password');
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(AMBASSADOR);
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('the ambassador signs in, sees who they are, and signs out', async ({ page }) => {
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Welcome, Maya' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Your units' })).toContainText('Product');
  await hydrated(page);
  await signOut(page);
  // The session is over: the home page sends us back.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});
