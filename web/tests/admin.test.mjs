// @ts-check
// The admin console in a real browser, each page as an administrator uses it: organizations and
// their members, personal access tokens, the audit log, webhooks and their deliveries, the
// gateway nodes, the signing keys — and what a developer meets there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { ADMIN_EMAIL, Rest, admin, browser, openPage, org, review, server, signIn, suite } from './helpers.mjs';

suite();

test('an operator creates an organization, adds a member (password shown once), changes the role and removes them', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
  // A slug the server refuses is reported at its field.
  await page.getByLabel('Name', { exact: true }).fill('Globex');
  await page.getByLabel('Short name').fill('Not A Slug!');
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.locator('#org-slug-errors').waitFor();
  assert.equal(await page.getByLabel('Short name').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Short name').fill('globex');
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.getByRole('status').getByText('The organization Globex is created.').waitFor();
  const row = page.getByRole('row', { name: /Globex/ });
  await row.waitFor();
  await review(page, 'admin-orgs');
  const orgs = (await admin.expect(200, 'GET', '/api/v1/orgs?limit=200')).items;
  const globex = orgs.find((/** @type {any} */ o) => o.slug === 'globex');
  assert.ok(globex, 'the organization exists');

  // Its members page, reached from the row: the operator works on Globex, not on their own.
  await row.getByRole('link', { name: 'Members Globex' }).click();
  await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
  assert.equal(await page.getByLabel('Organization', { exact: true }).inputValue(), globex.id);
  await page.getByText('No members.').waitFor();
  await page.getByLabel('Email').fill('grace@globex.test');
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Add the member' }).click();
  const secret = page.getByTestId('secret');
  await secret.waitFor();
  const password = (await secret.textContent()) || '';
  assert.ok(password.length >= 16, `a generated password: ${password}`);
  // The password shown once works.
  await new Rest(server.base).signIn('grace@globex.test', password);
  await review(page, 'admin-members');
  await page.getByRole('button', { name: 'I have stored it' }).click();
  assert.equal(await secret.count(), 0, 'the secret is gone once dismissed');

  // The last admin cannot be demoted: the server's reason is shown.
  await page.getByLabel('Role of grace@globex.test').selectOption('developer');
  await page.getByRole('button', { name: 'Change grace@globex.test' }).click();
  await page.getByRole('alert').getByText(/admin/).waitFor();
  // A second admin, then the change goes through.
  await admin.expect(201, 'POST', `/api/v1/orgs/${globex.id}/members`, { email: 'hal@globex.test', role: 'admin', password: 'hal passphrase long enough' });
  await page.reload();
  await page.getByLabel('Role of grace@globex.test').selectOption('publisher');
  await page.getByRole('button', { name: 'Change grace@globex.test' }).click();
  await page.getByRole('status').getByText('grace@globex.test is now publisher.').waitFor();
  let members = (await admin.expect(200, 'GET', `/api/v1/orgs/${globex.id}/members`)).items;
  assert.equal(members.find((/** @type {any} */ m) => m.email === 'grace@globex.test').role, 'publisher');

  await page.getByRole('button', { name: 'Remove grace@globex.test' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('The account remains').waitFor();
  await review(page, 'admin-members-remove');
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('status').getByText('grace@globex.test is no longer a member.').waitFor();
  members = (await admin.expect(200, 'GET', `/api/v1/orgs/${globex.id}/members`)).items;
  assert.deepEqual(members.map((/** @type {any} */ m) => m.email), ['hal@globex.test']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a user creates a personal access token, sees its secret once, uses it, and revokes it', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/admin/tokens');
  await page.getByText('No access tokens yet.').waitFor();
  await page.getByLabel('Name').fill('ci deploy');
  await page.getByLabel('Valid for (days)').fill('30');
  await page.getByRole('button', { name: 'Create the token' }).click();
  const secret = page.getByTestId('secret');
  await secret.waitFor();
  const token = (await secret.textContent()) || '';
  assert.match(token, /^tgp_/);
  const bearer = { authorization: `Bearer ${token}` };
  const anonymous = new Rest(server.base);
  assert.equal((await anonymous.expect(200, 'GET', '/api/v1/me', undefined, bearer)).user.email, ADMIN_EMAIL);
  const row = page.getByRole('row', { name: /ci deploy/ });
  await row.getByText('Active').waitFor();
  assert.match(await row.innerText(), new RegExp(token.slice(0, 8)));
  await review(page, 'admin-tokens');
  // Gone after a reload: the list never carries the secret.
  await page.reload();
  await row.waitFor();
  assert.equal(await page.getByTestId('secret').count(), 0);
  assert.equal((await page.content()).includes(token), false);

  await row.getByRole('button', { name: 'Revoke ci deploy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('status').getByText('The token ci deploy is revoked.').waitFor();
  await page.getByRole('row', { name: /ci deploy/ }).getByText('Revoked').waitFor();
  assert.equal((await anonymous.call('GET', '/api/v1/me', undefined, bearer)).status, 401);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an admin filters the audit log and pages through it with the cursor', async () => {
  await admin.expect(201, 'POST', `/api/v1/orgs/${org}/members`, { email: 'audited@portal.test', role: 'developer', password: 'audited passphrase long' });
  const me = await admin.expect(200, 'GET', '/api/v1/me');
  const user = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/members?limit=200`)).items.find((/** @type {any} */ m) => m.email === 'audited@portal.test');
  for (let i = 0; i < 55; i++) {
    await admin.expect(200, 'PUT', `/api/v1/orgs/${org}/members/${user.user_id}`, { role: i % 2 ? 'developer' : 'publisher' });
  }
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/admin/audit');
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  await page.getByLabel('Action').fill('member.role_changed');
  await page.getByRole('button', { name: 'Filter' }).click();
  const rows = page.locator('main table tbody tr');
  // The unfiltered first page also has 50 rows: wait for the filtered one.
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('main table tbody tr td:nth-child(3)')];
    return cells.length === 50 && cells.every((c) => c.textContent === 'member.role_changed');
  });
  assert.match(page.url(), /action=member.role_changed/);
  assert.deepEqual([...new Set(await rows.locator('td:nth-child(3)').allInnerTexts())], ['member.role_changed']);
  assert.deepEqual([...new Set(await rows.locator('td:nth-child(2)').allInnerTexts())], [ADMIN_EMAIL]);
  await review(page, 'admin-audit');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Page 2').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 5);
  // A filter that matches nothing, then by actor: the same 55 changes.
  await page.getByLabel('Action').fill('organization.deleted');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('No entry matches these filters.').waitFor();
  await page.getByLabel('Action').fill('member.created');
  await page.getByLabel('Actor (user id)').fill(me.user.id);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /audited@portal\.test/);
  // The filters are in the address: a reload keeps them.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 1);
  assert.equal(await page.getByLabel('Action').inputValue(), 'member.created');
  // A time window that ends before everything.
  await page.getByLabel('Action').fill('');
  await page.getByLabel('Actor (user id)').fill('');
  await page.getByLabel('Until').fill('2020-01-01T00:00');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('No entry matches these filters.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/**
 * A webhook receiver on 127.0.0.1 that keeps each request's Tollgate-Webhook-* headers and body;
 * `status(n)` is its answer to the n-th request (1 for the first), 200 by default.
 * @param {(n: number) => number} [status]
 */
async function webhookReceiver(status = () => 200) {
  /** @type {{ id: string, signature: string, timestamp: string, body: string }[]} */
  const received = [];
  /** @type {import('node:http').Server} */
  const http = await new Promise((resolve) => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        received.push({ id: String(req.headers['tollgate-webhook-id']), signature: String(req.headers['tollgate-webhook-signature']), timestamp: String(req.headers['tollgate-webhook-timestamp']), body });
        res.statusCode = status(received.length);
        res.end('ok');
      });
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${/** @type {any} */ (http.address()).port}/hooks`, received, close: () => http.close() };
}

test('an admin registers a webhook (secret shown once), rotates the secret, tests it, reads the attempts and resends', async () => {
  // The first delivery fails: the attempt log shows the receiver's answer.
  const receiver = await webhookReceiver((n) => (n === 1 ? 503 : 200));
  const { url, received } = receiver;
  try {
    const { page, context, errors } = await openPage(browser, server.base);
    await signIn(page);
    await page.goto('/admin/webhooks');
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByLabel('URL').fill('ftp://nowhere');
    await page.getByRole('button', { name: 'Register the webhook' }).click();
    await page.locator('#webhook-url-errors').waitFor();
    await page.getByLabel('URL').fill(url);
    await page.getByLabel('Description').fill('ERP sync');
    await page.getByRole('checkbox', { name: 'quota.reached' }).uncheck();
    await page.getByRole('button', { name: 'Register the webhook' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    const first = (await secret.textContent()) || '';
    assert.match(first, /^whsec_/);
    await review(page, 'admin-webhooks');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const hooks = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/webhooks`)).items;
    assert.deepEqual(hooks.map((/** @type {any} */ h) => [h.url, h.event_types.length]), [[url, 4]]);
    assert.equal(JSON.stringify(hooks).includes(first), false, 'the list never carries the secret');

    // Rotate: a new secret, shown once.
    await page.getByRole('button', { name: `Rotate the secret ${url}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate the secret' }).click();
    await page.getByText(`The new signing secret of ${url}`).waitFor();
    const second = (await page.getByTestId('secret').textContent()) || '';
    assert.match(second, /^whsec_/);
    assert.notEqual(second, first);

    // Test: the receiver gets a ping signed with the new secret (and answers 503 this time).
    await page.getByRole('button', { name: `Send a test ${url}` }).click();
    await page.getByRole('status').getByText('A ping event is on its way').waitFor();
    for (let i = 0; i < 50 && received.length < 1; i++) await page.waitForTimeout(100);
    assert.equal(received.length, 1);
    const ping = received[0];
    const expected = `v1=${createHmac('sha256', second).update(`${ping.timestamp}.${ping.body}`).digest('hex')}`;
    assert.equal(ping.signature, expected, 'signed with the secret shown after rotation');
    assert.equal(JSON.parse(ping.body).type, 'ping');

    // The deliveries page: the attempt and the receiver's answer.
    await page.getByRole('link', { name: `Deliveries ${url}` }).click();
    await page.getByRole('heading', { level: 1, name: `Deliveries to ${url}` }).waitFor();
    const row = page.locator('main table tbody tr').first();
    await row.getByText('HTTP 503').waitFor();
    await row.getByRole('button', { name: /^Attempts ping/ }).click();
    const attempts = page.getByRole('table', { name: 'Attempts to deliver ping' });
    await attempts.waitFor();
    assert.deepEqual((await attempts.locator('tbody td').allInnerTexts()).filter((_, i) => i % 5 === 0 || i % 5 === 3), ['1', '503']);
    await review(page, 'admin-webhook-deliveries');

    // Resend: the same event id again, delivered this time.
    await row.getByRole('button', { name: /^Resend ping/ }).click();
    await page.getByRole('status').getByText('ping is queued again.').waitFor();
    for (let i = 0; i < 50 && received.length < 2; i++) await page.waitForTimeout(100);
    assert.equal(received[1]?.id, ping.id, 'a re-send carries the same event id');
    await page.getByLabel('State').selectOption('succeeded');
    await page.locator('main table tbody tr').getByText('re-sent').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    receiver.close();
  }
});

/** A webhook of the administrator's organization, registered through the API. @param {string} url @param {string[]} events */
const newWebhook = (url, events) => admin.expect(201, 'POST', `/api/v1/orgs/${org}/webhooks`, { url, description: 'Before', event_types: events });

/** The signed-in administrator on one webhook's page. @param {{ id: string, url: string }} hook */
async function openWebhook(hook) {
  const opened = await openPage(browser, server.base);
  await signIn(opened.page);
  await opened.page.goto(`/admin/webhooks/${hook.id}`);
  await opened.page.getByRole('heading', { level: 1, name: `Deliveries to ${hook.url}` }).waitFor();
  return opened;
}

test("an admin edits a webhook's URL, description and events; a refused URL is shown at its field", async () => {
  const hook = await newWebhook('http://127.0.0.1:9/before', ['invoice.finalized']);
  const { page, context, errors } = await openWebhook(hook);
  await page.getByText('Edit the webhook').click();
  // A URL the server refuses: its message at the field, nothing stored.
  await page.getByLabel('URL').fill('ftp://nowhere');
  await page.getByRole('button', { name: 'Save the webhook' }).click();
  await page.locator('#edit-url-errors').getByText('must start with http:// or https://').waitFor();
  assert.equal(await page.getByLabel('URL').getAttribute('aria-invalid'), 'true');
  assert.equal((await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`)).url, hook.url);

  const url = 'http://127.0.0.1:9/after';
  await page.getByLabel('URL').fill(url);
  await page.getByLabel('Description').fill('After');
  await page.getByRole('checkbox', { name: 'subscription.created' }).check();
  await page.getByRole('checkbox', { name: 'quota.reached' }).check();
  await page.getByRole('checkbox', { name: 'invoice.finalized' }).uncheck();
  await page.getByRole('button', { name: 'Save the webhook' }).click();
  await page.getByRole('status').getByText(`The webhook ${url} is saved.`).waitFor();
  await page.getByRole('heading', { level: 1, name: `Deliveries to ${url}` }).waitFor();
  const saved = await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`);
  assert.deepEqual([saved.url, saved.description, [...saved.event_types].sort(), saved.enabled], [url, 'After', ['quota.reached', 'subscription.created'], true]);
  assert.equal(await page.getByLabel('URL').getAttribute('aria-invalid'), null, 'the field error is gone');
  await review(page, 'admin-webhook-edit');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a disabled webhook gets no test and no events, and gets them again once enabled', async () => {
  const receiver = await webhookReceiver();
  try {
    const hook = await newWebhook(receiver.url, ['subscription.created']);
    // Something that sends subscription.created to the organization's webhooks: a developer
    // subscribing to a published API of it.
    const plan = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: 'Hooked plan' });
    const api = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, {
      name: 'Hooked', context: '/hooked', version: '1.0.0', endpoints: [{ url: 'http://127.0.0.1:9/' }], resources: [{ method: 'GET', path: '/x' }],
    });
    await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { plan_ids: [plan.id] });
    await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
    const dev = new Rest(server.base);
    await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'hooked@portal.test', password: 'hooked passphrase long', display_name: 'Hooked' });
    await dev.signIn('hooked@portal.test', 'hooked passphrase long');
    const subscribe = async (/** @type {string} */ name) => {
      const app = await dev.expect(201, 'POST', '/api/v1/applications', { name });
      return dev.expect(201, 'POST', `/api/v1/applications/${app.id}/subscriptions`, { api_id: api.id, plan_id: plan.id });
    };
    const deliveries = async () => (await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`)).items;

    const { page, context, errors } = await openWebhook(hook);
    await page.getByRole('button', { name: 'Disable the webhook' }).click();
    await page.getByRole('status').getByText(`${receiver.url} is disabled`).waitFor();
    assert.equal((await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`)).enabled, false);
    await page.getByRole('button', { name: 'Enable the webhook' }).waitFor();
    await review(page, 'admin-webhook-disabled');

    // The list says so, and a test send is refused with the server's reason.
    await page.getByRole('link', { name: 'All webhooks' }).click();
    const row = page.getByRole('row', { name: new RegExp(receiver.url) });
    assert.match(await row.getByRole('cell').nth(2).innerText(), /No$/);
    await row.getByRole('button', { name: `Send a test ${receiver.url}` }).click();
    await page.getByRole('alert').getByText('the webhook is disabled; enable it first').waitFor();
    assert.equal((await admin.call('POST', `/api/v1/webhooks/${hook.id}/test`)).status, 409);
    // An event while it is disabled is not queued for it, now or later.
    const missed = await subscribe('While disabled');
    assert.deepEqual(await deliveries(), []);

    // Enabled again: the next event is delivered, and only that one.
    await page.getByRole('link', { name: `Deliveries ${receiver.url}` }).click();
    await page.getByRole('button', { name: 'Enable the webhook' }).click();
    await page.getByRole('status').getByText(`${receiver.url} is enabled`).waitFor();
    assert.equal((await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`)).enabled, true);
    const delivered = await subscribe('While enabled');
    for (let i = 0; i < 50 && receiver.received.length < 1; i++) await page.waitForTimeout(100);
    await page.waitForTimeout(1500);
    assert.deepEqual(receiver.received.map((r) => JSON.parse(r.body)).map((e) => [e.type, e.data.subscription_id]), [['subscription.created', delivered.id]]);
    assert.notEqual(delivered.id, missed.id);
    assert.deepEqual((await deliveries()).map((/** @type {any} */ d) => d.event_type), ['subscription.created']);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    receiver.close();
  }
});

test('a stale edit of a webhook gets the changed-by-someone-else message and overwrites nothing', async () => {
  const hook = await newWebhook('http://127.0.0.1:9/stale', ['invoice.finalized']);
  const { page, context, errors } = await openWebhook(hook);
  await page.getByText('Edit the webhook').click();
  // Someone else changes it behind the page's back.
  await admin.expect(200, 'PATCH', `/api/v1/webhooks/${hook.id}`, { description: 'Changed elsewhere' });
  await page.getByLabel('Description').fill('Mine');
  await page.getByRole('button', { name: 'Save the webhook' }).click();
  await page.getByRole('alert').getByText('This was changed by someone else since you opened it').waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`)).description, 'Changed elsewhere');
  // Reload shows their change; an edit over it then goes through.
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction(() => /** @type {HTMLInputElement | null} */ (document.getElementById('edit-description'))?.value === 'Changed elsewhere');
  await page.getByLabel('Description').fill('Mine');
  await page.getByRole('button', { name: 'Save the webhook' }).click();
  await page.getByRole('status').getByText(`The webhook ${hook.url} is saved.`).waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`)).description, 'Mine');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an admin deletes a webhook with its delivery log, after a confirmation, and is back on the list', async () => {
  const hook = await newWebhook('http://127.0.0.1:9/doomed', ['invoice.finalized']);
  const ping = await admin.expect(202, 'POST', `/api/v1/webhooks/${hook.id}/test`);
  const { page, context, errors } = await openWebhook(hook);
  await page.getByRole('button', { name: 'Delete the webhook' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete the webhook ${hook.url}?` });
  await dialog.getByText('Its delivery log is deleted with it, and nothing more is sent to this URL').waitFor();
  await review(page, 'admin-webhook-delete');
  // Cancel keeps it.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await admin.expect(200, 'GET', `/api/v1/webhooks/${hook.id}`);
  await page.getByRole('button', { name: 'Delete the webhook' }).click();
  await dialog.getByRole('button', { name: 'Delete the webhook' }).click();
  await page.getByRole('status').getByText(`The webhook ${hook.url} is deleted.`).waitFor();
  await page.waitForURL(/\/admin\/webhooks\?org=/);
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  await page.getByRole('table', { name: 'Webhooks' }).waitFor();
  assert.equal(await page.getByRole('row', { name: new RegExp(hook.url) }).count(), 0);
  await admin.expect(404, 'GET', `/api/v1/webhooks/${hook.id}`);
  await admin.expect(404, 'GET', `/api/v1/webhooks/deliveries/${ping.id}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an operator sees each gateway node's revision, last seen and lag", async () => {
  // Two nodes report in, as `tollgate node` does: one on the current revision, one behind.
  let status;
  for (let i = 0; !status || status.revision < 2; i++) {
    await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, { name: `Lagging ${i}`, context: `/lagging-${i}`, version: '1.0.0' });
    status = await admin.expect(200, 'GET', '/api/v1/gateway/status');
  }
  await admin.expect(204, 'PUT', '/api/v1/gateway/nodes/edge-1', { name: 'edge-1', revision: status.revision });
  await admin.expect(204, 'PUT', '/api/v1/gateway/nodes/edge-2', { name: 'edge-2', revision: status.revision - 2 });
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/admin/gateway');
  await page.getByRole('heading', { level: 1, name: 'Gateway status' }).waitFor();
  assert.equal(await page.getByTestId('control-revision').textContent(), String(status.revision));
  assert.match(await page.getByRole('row', { name: /edge-1/ }).innerText(), new RegExp(`${status.revision}\\s+Up to date`));
  assert.match(await page.getByRole('row', { name: /edge-2/ }).innerText(), new RegExp(`${status.revision - 2}\\s+2 revisions behind`));
  await review(page, 'admin-gateway');
  // edge-2 catches up; Refresh shows it.
  await admin.expect(204, 'PUT', '/api/v1/gateway/nodes/edge-2', { name: 'edge-2', revision: status.revision });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('row', { name: /edge-2/ }).getByText('Up to date').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an operator rotates the signing key and the JWKS publishes the new one beside the old', async () => {
  const before = (await admin.expect(200, 'GET', '/.well-known/jwks.json')).keys.map((/** @type {any} */ k) => k.kid);
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/admin/signing-keys');
  const table = page.getByRole('table', { name: 'Published keys' });
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), before.length);
  await review(page, 'admin-signing-keys');
  await page.getByRole('button', { name: 'Rotate the signing key' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate the signing key' }).click();
  await page.getByRole('status').getByText(/signs from now on/).waitFor();
  const after = (await admin.expect(200, 'GET', '/.well-known/jwks.json')).keys.map((/** @type {any} */ k) => k.kid);
  const added = after.filter((/** @type {string} */ k) => !before.includes(k));
  assert.equal(added.length, 1);
  assert.ok(before.every((/** @type {string} */ k) => after.includes(k)), 'the old key stays published');
  await table.getByRole('row', { name: new RegExp(added[0]) }).getByText('signs from now on').waitFor();
  assert.equal(await table.locator('tbody tr').count(), after.length);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a developer cannot reach the admin pages: the API answers 403 and the portal says so', async () => {
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'curious@portal.test', password: 'curious passphrase', display_name: 'Curious' });
  const { page, context } = await openPage(browser, server.base);
  await signIn(page, 'curious@portal.test', 'curious passphrase');
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Administration' }).count(), 0);
  // Their own tokens, yes; the tabs show nothing else.
  await nav.getByRole('link', { name: 'Access tokens' }).click();
  await page.getByRole('heading', { level: 1, name: 'Access tokens' }).waitFor();
  assert.deepEqual(await page.getByRole('navigation', { name: 'Administration pages' }).getByRole('link').allInnerTexts(), ['Access tokens']);
  const me = await (await dev.signIn('curious@portal.test', 'curious passphrase')).expect(200, 'GET', '/api/v1/me');
  const own = me.memberships[0].org_id;
  for (const [path, api] of [['/admin/members', `/orgs/${own}/members`], ['/admin/audit', `/orgs/${own}/audit-log`], ['/admin/webhooks', `/orgs/${own}/webhooks`], ['/admin/gateway', '/gateway/status']]) {
    const answer = page.waitForResponse((r) => r.url().includes(`/api/v1${api}`));
    await page.goto(path);
    assert.equal((await answer).status(), 403, path);
    await page.getByRole('alert').getByText('Your role does not allow this page.').waitFor();
  }
  await page.getByRole('alert').getByText('Only the administrators of the operator organization').waitFor();
  await review(page, 'admin-developer-forbidden');
  await context.close();
});

test('an operator changes the theme and every page takes its colours and logo without a restart', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/publisher/apis');
  const primary = page.locator('main a.button.primary').first();
  await primary.waitFor();
  const background = () => primary.evaluate((el) => getComputedStyle(el).backgroundColor);
  const token = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim());
  assert.equal(await background(), 'rgb(31, 95, 173)', "Tollgate's own primary colour");

  await page.goto('/admin/theme');
  await page.getByRole('heading', { level: 1, name: 'Theme' }).waitFor();
  const light = page.getByRole('group', { name: 'Colours, light scheme' });
  // A colour that is not #rrggbb is refused at its field, and nothing is stored.
  await light.getByLabel('Primary', { exact: true }).fill('purple');
  await page.getByRole('button', { name: 'Save the theme' }).click();
  await page.locator('#light-primary-errors').waitFor();
  assert.equal(await light.getByLabel('Primary', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal((await admin.expect(200, 'GET', '/api/v1/admin/theme')).light.primary, undefined);
  // So is extra CSS that would reach outside the stylesheet.
  await light.getByLabel('Primary', { exact: true }).fill('#7A1FA2');
  await light.getByLabel('Text on primary').fill('#ffffff');
  await light.getByLabel('Links').fill('#6a1b9a');
  await page.getByLabel('Extra CSS').fill('} body { display: none; }');
  await page.getByRole('button', { name: 'Save the theme' }).click();
  await page.locator('#extra-css-errors').waitFor();
  await page.getByLabel('Extra CSS').fill('.brand span { letter-spacing: 0.25em; }');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  await page.getByLabel('New logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('img', { name: 'The logo that will be used' }).waitFor();
  // The preview follows the form before anything is saved.
  assert.equal(await page.locator('.theme-preview button.primary').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(122, 31, 162)');
  await review(page, 'admin-theme');
  await page.getByRole('button', { name: 'Save the theme' }).click();
  await page.getByRole('status').getByText('The theme is saved').waitFor();
  // This page takes the new stylesheet at once.
  await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim() === '#7a1fa2');

  // Another page, loaded afresh from the same running server: the new colours, CSS and logo.
  await page.goto('/publisher/apis');
  await primary.waitFor();
  assert.equal(await token(), '#7a1fa2');
  assert.equal(await background(), 'rgb(122, 31, 162)');
  assert.equal(await page.locator('.brand span').evaluate((el) => getComputedStyle(el).letterSpacing), '4px');
  const logo = page.locator('.brand img');
  await page.waitForFunction(() => /** @type {HTMLImageElement} */ (document.querySelector('.brand img'))?.complete);
  assert.deepEqual(await logo.evaluate((el) => [/** @type {HTMLImageElement} */ (el).naturalWidth, /** @type {HTMLImageElement} */ (el).naturalHeight]), [1, 1], 'the uploaded 1×1 PNG');
  // The light colours stay in the light scheme: a dark-scheme reader keeps Tollgate's dark tokens.
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await token(), '#5a9be6');
  await page.emulateMedia({ colorScheme: 'light' });
  // Someone else's browser, signed in separately, gets it too.
  const other = await openPage(browser, server.base);
  await signIn(other.page);
  await other.page.goto('/publisher/apis');
  await other.page.locator('main a.button.primary').first().waitFor();
  assert.equal(await other.page.locator('main a.button.primary').first().evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(122, 31, 162)');
  await review(page, 'themed-apis');
  assert.deepEqual([...errors, ...other.errors], []);
  await other.context.close();

  // Back to Tollgate's own theme for the tests that follow.
  await admin.expect(200, 'PUT', '/api/v1/admin/theme', {});
  await page.reload();
  await primary.waitFor();
  assert.equal(await background(), 'rgb(31, 95, 173)');
  await context.close();
});
