import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, openCurrentBoard, signIn } from './support';

// Rights flow down the unit tree, never up or sideways. Tomás leads Web,
// a team of Engineering; Lea is a member of Web.

function card(page: Page, title: string) {
  return page.getByRole('article', { name: `Objective: ${title}` });
}

const DEPARTMENT = 'Engineering ships something customers notice every week';
const SIBLING = 'Deploys are boring';

test("a team's lead is offered nothing to change on the department's or a sibling's objective", async ({ page }) => {
  await signIn(page, 'tomas@northstar.demo', DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);

  const department = card(page, DEPARTMENT);
  await expect(department).toBeVisible();
  await expect(department.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  await expect(department.getByRole('button', { name: /^Close/ })).toHaveCount(0);
  await expect(department.getByRole('button', { name: /^Check in/ })).toHaveCount(0);
  const sibling = card(page, SIBLING);
  await expect(sibling.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  // Its menu (built when opened) offers no key result and no link either.
  await department.getByText('Actions').click();
  await expect(department.getByRole('button', { name: `Give ${DEPARTMENT} to this unit` })).toBeVisible();
  await expect(department.getByRole('group', { name: /^Add a key result/ })).toHaveCount(0);
  await expect(department.getByLabel(/^Objective that .* supports$/)).toHaveCount(0);
  // His own team's proposal is his to edit, from its menu too.
  const own = card(page, 'The web app feels instant');
  await expect(own.getByRole('button', { name: 'Edit title of The web app feels instant' })).toBeVisible();
  await own.getByText('Actions').click();
  await expect(own.getByRole('group', { name: /^Add a key result/ })).toBeVisible();

  // A forged request from his page is refused by the server, with the rule.
  const answer = await page.evaluate(async () => {
    const response = await fetch('/api/get_board', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `cycle_id=${location.pathname.split('/')[2]}`,
    });
    const data = await response.json();
    const target = data.objectives.find((o: { title: string }) =>
      o.title === 'Engineering ships something customers notice every week');
    const forged = await fetch('/api/update_objective', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        id: target.id,
        version: String(target.version),
        field: 'title',
        previous: target.title,
        value: 'Web runs Engineering',
      }).toString(),
    });
    return { status: forged.status, body: await forged.json() };
  });
  expect(answer.status).toBe(403);
  expect(answer.body.detail).toContain('of a unit above it');
  await page.reload();
  await hydrated(page);
  await expect(card(page, DEPARTMENT)).toBeVisible();
});

test("a team's member is not offered to close the department's objective", async ({ page }) => {
  await signIn(page, 'lea@northstar.demo', DEMO_PASSWORD);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await openCurrentBoard(page);
  const department = card(page, DEPARTMENT);
  await expect(department).toBeVisible();
  await expect(department.getByRole('button', { name: /^Close/ })).toHaveCount(0);
  await expect(department.getByRole('button', { name: /^Edit / })).toHaveCount(0);
});
