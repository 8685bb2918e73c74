// @ts-check
// Revenue and invoices in a real browser, as a publisher's admin meets them: what an API earned
// this period by invoice status, the organization's invoices (finalize refused before the
// period ends, void with a reason), and the CSV downloads of usage and invoices.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { Rest, admin, browser, openPage, org, review, server, signIn, suite } from './helpers.mjs';

/** @type {import('node:http').Server} */
let backend;

suite();

before(async () => {
  backend = await new Promise((resolve) => {
    const s = createServer((_, res) => res.end('{}'));
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
});

after(() => {
  backend?.close();
});

/** A priced API with one subscriber who made `calls` calls; returns the API and the developer. */
async function pricedApi(/** @type {number} */ calls) {
  const port = /** @type {any} */ (backend.address()).port;
  const plan = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: 'Ten a month', currency: 'USD', pricing: { model: 'flat', fee_minor: 1000 } });
  const api = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, {
    name: 'Billed', context: '/billed', version: '1.0.0', endpoints: [{ url: `http://127.0.0.1:${port}/` }], resources: [{ method: 'GET', path: '/x' }],
  });
  await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { plan_ids: [plan.id] });
  await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'payer@portal.test', password: 'payer passphrase long', display_name: 'Payer' });
  await dev.signIn('payer@portal.test', 'payer passphrase long');
  const app = await dev.expect(201, 'POST', '/api/v1/applications', { name: 'Paying app' });
  await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/subscriptions`, { api_id: api.id, plan_id: plan.id });
  const key = (await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/keys`, { name: 'k' })).secret;
  for (let i = 0; i < calls; i++) assert.equal((await fetch(`${server.gateway}/billed/1.0.0/x`, { headers: { apikey: key } })).status, 200);
  return { api, dev };
}

test('a publisher sees revenue by API and status, voids an invoice with a reason, and downloads CSV files', async () => {
  const { api } = await pricedApi(3);
  const today = new Date().toISOString().slice(0, 10);
  // The gateway flushes usage every second.
  for (let i = 0; i < 40; i++) {
    const usage = await admin.expect(200, 'GET', `/api/v1/exports/usage?from=${today}&to=${today}&org=${org}`);
    if (usage.items.reduce((/** @type {number} */ n, /** @type {any} */ r) => n + r.requests, 0) >= 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const period = today.slice(0, 7);
  // The biller makes the draft at its next round.
  let revenue = [];
  for (let i = 0; i < 40 && !revenue.length; i++) {
    if (i) await new Promise((r) => setTimeout(r, 250));
    revenue = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/revenue?period=${period}`)).items;
  }
  assert.equal(revenue.length, 1);
  const earned = revenue[0].amount_minor;
  assert.ok(earned > 0 && earned <= 1000, `a prorated fee: ${earned}`);
  const money = (/** @type {number} */ minor) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(minor / 100);

  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Revenue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Revenue' }).waitFor();
  const byApi = page.getByRole('table', { name: /^By API/ });
  const row = byApi.getByRole('row', { name: /Billed/ });
  await row.waitFor();
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(1), ['USD', 'Draft', money(earned), '1']);
  await review(page, 'revenue');

  // The draft invoice: finalizing is refused before the period ends, with the server's reason.
  const invoiceRow = page.getByRole('table', { name: /^Invoices/ }).getByRole('row', { name: /payer@portal\.test/ });
  await invoiceRow.getByRole('link', { name: /draft/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Draft invoice' }).waitFor();
  assert.equal(await page.getByTestId('invoice-total').textContent(), money(earned));
  await page.getByRole('table', { name: 'Lines' }).getByRole('row', { name: /Ten a month/ }).waitFor();
  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.getByRole('alert').getByText('Finalize was refused:').waitFor();
  await review(page, 'invoice');

  // Void: a reason is required (the server says so at the field), then it is void.
  await page.getByRole('button', { name: 'Void' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Void' }).click();
  await dialog.locator('#void-reason-errors').waitFor();
  await dialog.getByLabel(/^Reason/).fill('billed twice by mistake');
  await dialog.getByRole('button', { name: 'Void' }).click();
  await page.getByRole('status').getByText('The invoice is void.').waitFor();
  await page.getByText('billed twice by mistake').waitFor();
  const invoices = (await admin.expect(200, 'GET', `/api/v1/invoices?org=${org}&period=${period}`)).items;
  assert.deepEqual(invoices.map((/** @type {any} */ i) => [i.status, i.void_reason]), [['void', 'billed twice by mistake']]);
  const audit = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/audit-log?limit=200`)).items;
  assert.ok(audit.some((/** @type {any} */ e) => e.action.startsWith('invoice.void')), 'the void is in the audit log');

  // Back to revenue: the amount is now under Void.
  await page.getByRole('link', { name: 'Revenue and invoices' }).click();
  await byApi.getByRole('row', { name: /Billed/ }).getByText('Void').waitFor();

  // The downloads: plain links, streamed by the server, saved by the browser.
  const [usage] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the usage (CSV)' }).click()]);
  assert.equal(usage.suggestedFilename(), `usage-${period}-01-${today}.csv`);
  const usageCsv = await readFile(/** @type {string} */ (await usage.path()), 'utf8');
  const [header, ...lines] = usageCsv.trim().split('\n');
  assert.match(header, /^date,org_id,api_id,api_name/);
  assert.ok(lines.some((l) => l.includes(api.id) && l.includes('Billed')), usageCsv);
  const [invoicesFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the invoices (CSV)' }).click()]);
  const invoicesCsv = await readFile(/** @type {string} */ (await invoicesFile.path()), 'utf8');
  assert.match(invoicesCsv, /^invoice_id,invoice_number/);
  assert.match(invoicesCsv, /payer@portal\.test/);
  assert.match(invoicesCsv, /,void,/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a developer cannot reach the revenue page: the API answers 403 and the portal says so', async () => {
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'nosy@portal.test', password: 'nosy passphrase long', display_name: 'Nosy' });
  const { page, context } = await openPage(browser, server.base);
  await signIn(page, 'nosy@portal.test', 'nosy passphrase long');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Revenue' }).count(), 0);
  const answer = page.waitForResponse((r) => r.url().includes('/revenue?'));
  await page.goto('/publisher/revenue');
  assert.equal((await answer).status(), 403);
  await page.getByRole('alert').getByText('Your role does not allow this page.').waitFor();
  await review(page, 'revenue-developer-forbidden');
  await context.close();
});
