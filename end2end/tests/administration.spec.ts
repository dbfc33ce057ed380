import { expect, test } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, signIn, signOut } from './support';

test('the ambassador creates a team and a person in it; that person is refused the administration', async ({ page }) => {
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Welcome, Maya' })).toBeVisible();

  // A team under the Engineering department.
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Units' }).click();
  await hydrated(page);
  await page.getByLabel('Unit name').fill('Data Science');
  await page.getByLabel('Part of').selectOption({ label: 'Engineering' });
  await page.getByRole('button', { name: 'Create unit' }).click();
  const units = page.getByRole('list', { name: 'Units' });
  await expect(units.getByText('Data Science', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Unit name')).toHaveValue('');

  // A person in that team; a bad email first, which keeps what was typed.
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'People' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Ines Duarte');
  await page.getByLabel('Email', { exact: true }).fill('ines@example');
  await page.getByLabel('Unit', { exact: true }).selectOption({ label: 'Engineering › Data Science' });
  await page.getByLabel('Initial password').fill('a-strong-passphrase');
  // Skip the browser's own email check, to see the server's message.
  await page.locator('form:has(#person-email)').evaluate((form) => form.setAttribute('novalidate', ''));
  await page.getByRole('button', { name: 'Create person' }).click();
  await expect(page.locator('#person-email-error')).toContainText('does not look like an email address');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Ines Duarte');

  await page.getByLabel('Email', { exact: true }).fill('ines@example.org');
  await page.getByRole('button', { name: 'Create person' }).click();
  await expect(page.getByRole('status')).toHaveText('Ines Duarte can now sign in.');
  const row = page.getByRole('row').filter({ hasText: 'ines@example.org' });
  await expect(row).toContainText('Engineering › Data Science');
  await signOut(page);

  // Ines signs in, sees her team, and cannot administer.
  await signIn(page, 'ines@example.org', 'a-strong-passphrase');
  await expect(page.getByRole('heading', { name: 'Welcome, Ines' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Your units' })).toContainText('Engineering › Data Science');
  await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create person' })).toHaveCount(0);
  await hydrated(page);
  await signOut(page);
});
