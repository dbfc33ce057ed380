import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'northstar-demo';
export const AMBASSADOR = 'maya@northstar.demo';

/** Waits until the WebAssembly has hydrated the page, so clicks run in the app. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Northstar' })).toBeVisible();
}
