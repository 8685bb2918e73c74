// @ts-check
// The main publisher flow with the keyboard alone: sign in, import an OpenAPI document, offer a
// plan, publish, and approve the subscription that follows. No mouse event is sent: focus moves
// with Tab, links and buttons are pressed with Enter, checkboxes with Space.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Rest, admin, browser, openPage, org, petstore, server, suite } from './helpers.mjs';

suite();

/**
 * Presses Tab until the focused element's label or text matches `name` (past the page's last
 * control, focus wraps to its first); fails after 80 presses.
 * @param {import('playwright-core').Page} page @param {RegExp} name
 */
async function tabTo(page, name) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = /** @type {HTMLElement | null} */ (document.activeElement);
      if (!el) return '';
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
      return `${el.getAttribute('aria-label') || ''} ${label || ''} ${el.textContent || ''}`.replace(/\s+/g, ' ').trim();
    });
    if (name.test(focused)) return;
  }
  assert.fail(`Tab never reached ${name}`);
}

test('import → publish → approve, with the keyboard alone', async () => {
  await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: 'Reviewed', requires_approval: true });
  const { page, context, errors } = await openPage(browser, server.base);
  await page.goto('/signin');

  await tabTo(page, /^Email/);
  await page.keyboard.type(ADMIN_EMAIL);
  await tabTo(page, /^Password/);
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();

  await tabTo(page, /Import an OpenAPI document/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Import an OpenAPI document' }).waitFor();
  await tabTo(page, /Or paste the document/);
  await page.keyboard.insertText(petstore('Keyboard Shop'));
  await tabTo(page, /^Import$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Keyboard Shop is imported' }).waitFor();

  await tabTo(page, /Go to the API/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /Keyboard Shop/ }).waitFor();
  await tabTo(page, /^Reviewed/);
  await page.keyboard.press('Space');
  await tabTo(page, /Save the plans offered/);
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('Saved.').waitFor();

  await tabTo(page, /^Lifecycle$/);
  await page.keyboard.press('Enter');
  await page.getByRole('img', { name: /This API is Created/ }).waitFor();
  await tabTo(page, /^Publish$/);
  await page.keyboard.press('Enter');
  await page.getByRole('img', { name: /This API is Published/ }).waitFor();

  // A developer asks for access; the publisher approves it.
  const api = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/apis?q=Keyboard`)).items[0];
  const plan = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/plans`)).items.find((/** @type {any} */ p) => p.name === 'Reviewed');
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'keys@portal.test', password: 'keyboard developer pass', display_name: 'Keys' });
  await dev.signIn('keys@portal.test', 'keyboard developer pass');
  const app = await dev.expect(201, 'POST', '/api/v1/applications', { name: 'Terminal app' });
  const sub = await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/subscriptions`, { api_id: api.id, plan_id: plan.id });

  await tabTo(page, /^Subscriptions$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Subscriptions' }).waitFor();
  await page.getByRole('row', { name: /Terminal app/ }).waitFor();
  await tabTo(page, /Approve\s*Terminal app/);
  await page.keyboard.press('Enter');
  await page.getByText('No subscription waits for approval.').waitFor();
  assert.equal((await dev.expect(200, 'GET', `/api/v1/subscriptions/${sub.id}`)).state, 'ACTIVE');
  assert.deepEqual(errors, []);
  await context.close();
});
