import { expect, test } from '@playwright/test';
import { AMBASSADOR, DEMO_PASSWORD, hydrated, signIn } from './support';

test('the ambassador creates a cycle; a bad end date is named and the typed name stays', async ({ page }) => {
  await signIn(page, AMBASSADOR, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Welcome, Maya' })).toBeVisible();
  await page.getByRole('link', { name: 'Cycles' }).click();
  await hydrated(page);
  const form = page.getByRole('region', { name: 'New cycle' });

  await form.getByLabel('Name', { exact: true }).fill('H1 2027');
  await form.getByLabel('First day').fill('2027-01-01');
  await form.getByLabel('Last day').fill('2026-12-01');
  await form.getByRole('button', { name: 'Create cycle' }).click();
  await expect(page.locator('#new-cycle-end-error')).toHaveText('The end must come after the start.');
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('H1 2027');

  await form.getByLabel('Last day').fill('2027-06-30');
  await form.getByRole('button', { name: 'Create cycle' }).click();
  const cycles = page.getByRole('list', { name: 'Cycles' });
  const row = cycles.getByRole('listitem').filter({ hasText: 'H1 2027' });
  await expect(row).toContainText('1 Jan – 30 Jun 2027');
  await expect(row).toContainText('Upcoming');

  await row.getByRole('link', { name: 'Open board' }).click();
  await expect(page.getByRole('heading', { name: 'H1 2027', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Draft column' }).getByRole('article')).toHaveCount(0);
});
