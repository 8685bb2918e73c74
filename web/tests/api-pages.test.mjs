// @ts-check
// An API's pages, plans and the subscriptions inbox in a real browser, each as a publisher does
// it: publish (refused with its reason, then accepted), a stale edit, an endpoint change the
// gateway follows, a markdown document made harmless, a priced plan's preview, an approval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { ADMIN_EMAIL, Rest, admin, browser, openPage, org, petstore, review, server, signIn, suite } from './helpers.mjs';

suite();

let serial = 0;
/** An API imported from the sample document. @param {string} [backend] */
async function importApi(backend) {
  const n = ++serial;
  const query = `name=${encodeURIComponent(`Shop ${n}`)}&context=/shop-${n}${backend ? `&endpoints=${encodeURIComponent(backend)}` : ''}`;
  return admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis/import?${query}`, petstore(`Shop ${n}`), { 'content-type': 'application/yaml' });
}

test('publish is refused with its reason without a plan, then accepted, and the history shows it', async () => {
  const api = await importApi();
  await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: `Free ${api.id.slice(-4)}` });
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}/lifecycle`);
  await page.getByRole('img', { name: /This API is Created/ }).waitFor();
  await page.getByLabel('Reason (recorded in the history)').fill('first release');
  await page.getByRole('button', { name: 'Publish' }).click();
  const refusal = page.getByRole('alert');
  await refusal.getByText('Publish was refused:').waitFor();
  assert.match(await refusal.innerText(), /offers no plan/);
  // The button names the refusal for assistive technology.
  assert.equal(await page.getByRole('button', { name: 'Publish' }).getAttribute('aria-describedby'), 'refusal');
  await review(page, 'api-lifecycle-refused');

  // Offer the plan on the overview, then publish.
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('checkbox', { name: /^Free / }).check();
  await page.getByRole('button', { name: 'Save the plans offered' }).click();
  await page.getByRole('status').getByText('Saved.').waitFor();
  await page.getByRole('link', { name: 'Lifecycle' }).click();
  await page.getByLabel('Reason (recorded in the history)').fill('first release');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('img', { name: /This API is Published/ }).waitFor();
  const row = page.locator('main table tbody tr').first();
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1], 'Created → Published');
  assert.equal(cells[3], ADMIN_EMAIL);
  assert.equal(cells[4], 'first release');
  assert.equal((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).state, 'PUBLISHED');
  await review(page, 'api-lifecycle');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher edits the resources: opens one, removes one, adds one', async () => {
  const api = await importApi();
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}/resources`);
  await page.getByRole('checkbox', { name: 'Required GET /pets', exact: true }).uncheck();
  await page.getByRole('button', { name: 'Remove POST /pets' }).click();
  await page.getByLabel('Method').selectOption('DELETE');
  await page.getByLabel('Path', { exact: true }).fill('/pets/{petId}');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Unsaved changes.').waitFor();
  await review(page, 'api-resources-edit');
  await page.getByRole('button', { name: 'Save the resources' }).click();
  await page.getByRole('status').getByText('Saved.').waitFor();
  const stored = (await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).resources;
  assert.deepEqual(stored.map((/** @type {any} */ r) => [r.method, r.path, r.auth_required]), [
    ['GET', '/pets', false], ['GET', '/pets/{petId}', true], ['DELETE', '/pets/{petId}', true],
  ]);
  // A path the gateway cannot route is refused, and the server's message is shown.
  await page.getByLabel('Path', { exact: true }).fill('no-slash');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Save the resources' }).click();
  await page.getByRole('alert').getByRole('listitem').getByText(/^\/resources\/3\/path: /).waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).resources.length, 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a stale edit gets the "changed by someone else" message, and reload shows their change', async () => {
  const api = await importApi();
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}`);
  await page.getByLabel('Name').fill('My new name');
  // Someone else saves first.
  await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { name: 'Their name' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('This was changed by someone else since you opened it').waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).name, 'Their name', 'nothing was overwritten');
  await review(page, 'api-overview-stale');
  await alert.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('heading', { level: 1, name: /Their name/ }).waitFor();
  // The field follows the reloaded API in the same paint as the heading.
  assert.equal(await page.getByLabel('Name').inputValue(), 'Their name');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher edits an endpoint and the gateway sends calls to the new one', async () => {
  /** Two backends that say who they are. */
  const backends = await Promise.all(['alpha', 'beta'].map((name) => new Promise((resolve) => {
    const s = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ backend: name, path: req.url }));
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const url = (/** @type {any} */ s) => `http://127.0.0.1:${s.address().port}/v1`;
  try {
    const api = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, {
      name: 'Echo', context: '/echo', version: '1.0.0', endpoints: [{ url: url(backends[0]) }],
      resources: [{ method: 'GET', path: '/hello', auth_required: false }],
    });
    await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
    const call = async () => (await (await fetch(`${server.gateway}/echo/1.0.0/hello`)).json()).backend;
    assert.equal(await call(), 'alpha');

    const { page, context, errors } = await openPage(browser, server.base);
    await signIn(page);
    await page.goto(`/publisher/apis/${api.id}/endpoints`);
    await page.getByLabel('URL of backend 1').fill(url(backends[1]));
    await page.getByLabel('Weight of backend 1').fill('3');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    assert.equal(await call(), 'beta');
    const stored = await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`);
    assert.deepEqual(stored.endpoints, [{ url: url(backends[1]), weight: 3 }]);
    // A URL the API refuses is reported at its field.
    await page.getByLabel('URL of backend 1').fill('ftp://nowhere');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#endpoint-0-url-errors').waitFor();
    assert.equal(await page.getByLabel('URL of backend 1').getAttribute('aria-invalid'), 'true');
    await review(page, 'api-endpoints');
    assert.equal(await call(), 'beta', 'the refused edit changed nothing');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    for (const s of backends) /** @type {any} */ (s).close();
  }
});

test("a markdown document's <script> and javascript: link are neutralised", async () => {
  const api = await importApi();
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}/documents`);
  const source = '# Getting started\n\nSend your key in the `apikey` header.\n\n<script>window.pwned = 1</script>\n<img src=x onerror="window.pwned = 2">\n\n[click me](javascript:window.pwned=3) and [JaVa\tscript](JaVaScRiPt:window.pwned=4) but [the docs](https://example.org/docs).\n';
  await page.getByLabel('Title').fill('Getting started');
  await page.getByLabel('Content (Markdown)').fill(source);
  const preview = page.getByTestId('preview');
  await preview.getByRole('heading', { name: 'Getting started' }).waitFor();
  /** What a rendering holds that could run: script and img elements, event attributes, links by scheme. */
  const inspect = (/** @type {import('playwright-core').Locator} */ where) => where.evaluate((el) => ({
    scripts: el.querySelectorAll('script, img, iframe').length,
    handlers: [...el.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')).length,
    hrefs: [...el.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    text: el.textContent,
  }));
  let seen = await inspect(preview);
  assert.deepEqual([seen.scripts, seen.handlers, seen.hrefs], [0, 0, ['https://example.org/docs']]);
  assert.match(seen.text || '', /<script>window.pwned = 1<\/script>/, 'raw HTML is shown as text');
  await page.getByRole('button', { name: 'Add the document' }).click();
  await page.getByRole('status').getByText('is added').waitFor();
  const article = page.getByRole('article', { name: /Getting started/ });
  await article.waitFor();
  seen = await inspect(article);
  assert.deepEqual([seen.scripts, seen.handlers, seen.hrefs], [0, 0, ['https://example.org/docs']]);
  await page.getByText('click me').click();
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).pwned), undefined);
  await review(page, 'api-documents');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher creates a priced plan and sees what a month costs', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/publisher/plans');
  await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Pay as you go');
  await page.getByLabel('Requests per period', { exact: true }).fill('50');
  await page.getByLabel('Rate period').selectOption('second');
  await page.getByLabel('Model').selectOption('per_call');
  await page.getByLabel('Monthly fee').fill('5');
  await page.getByLabel('Price per call').fill('0.0025');
  await page.getByLabel('Calls included each month').fill('1000');
  await page.getByLabel('Calls in the month').fill('3000');
  const total = page.locator('#preview-total');
  // $5.00 fee + 2,000 billable calls at $0.0025 = $10.00
  await page.waitForFunction(() => document.querySelector('#preview-total')?.textContent === '$10.00');
  await page.getByLabel('Calls in the month').fill('1201');
  // 201 × 0.0025 = 0.5025 → $0.50 (rounded half to even, as the invoice does) + $5.00
  await page.waitForFunction(() => document.querySelector('#preview-total')?.textContent === '$5.50');
  // Graduated tiers in a zero-decimal currency.
  await page.getByLabel('Currency').fill('JPY');
  await page.getByLabel('Model').selectOption('graduated');
  await page.getByLabel('Monthly fee').fill('');
  await page.getByLabel('Tier 1: up to this many calls').fill('1000');
  await page.getByLabel('Tier 1: price per call').fill('1');
  await page.getByRole('button', { name: 'Add a tier' }).click();
  await page.getByLabel('Tier 2: price per call').fill('0.5');
  // 1,000 × ¥1 + 201 × ¥0.5 = ¥1,000 + ¥100.5 → ¥100 (half to even) = ¥1,100
  await page.waitForFunction(() => document.querySelector('#preview-total')?.textContent === '¥1,100');
  assert.equal(await total.textContent(), '¥1,100');
  await review(page, 'plans-editor');
  await page.getByLabel('Currency').fill('USD');
  await page.getByLabel('Model').selectOption('per_call');
  await page.getByLabel('Monthly fee').fill('5');
  await page.waitForFunction(() => document.querySelector('#preview-total')?.textContent === '$5.50');
  await page.getByRole('button', { name: 'Create the plan' }).click();
  await page.getByRole('status').getByText('The plan Pay as you go is created.').waitFor();
  await page.getByRole('cell', { name: 'Pay as you go' }).waitFor();
  const plans = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/plans?limit=200`)).items;
  const plan = plans.find((/** @type {any} */ p) => p.name === 'Pay as you go');
  assert.deepEqual(plan.pricing, { model: 'per_call', price_micros: 2500, included_calls: 1000, fee_minor: 500 });
  assert.deepEqual(plan.rate_limit, { requests: 50, period: 'second', burst: null });
  assert.match(await page.getByRole('row', { name: /Pay as you go/ }).innerText(), /\$0\.0025 a call after 1,000 included/);
  await review(page, 'plans');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher approves a pending subscription from the inbox', async () => {
  const api = await importApi('http://127.0.0.1:9/v1');
  const plan = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: 'Gold (approved)', requires_approval: true });
  await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { plan_ids: [plan.id] });
  await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'buyer@portal.test', password: 'buyer passphrase long', display_name: 'Buyer' });
  await dev.signIn('buyer@portal.test', 'buyer passphrase long');
  const app = await dev.expect(201, 'POST', '/api/v1/applications', { name: 'Weather app' });
  const sub = await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/subscriptions`, { api_id: api.id, plan_id: plan.id });
  assert.equal(sub.state, 'PENDING');

  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subscriptions' }).click();
  const row = page.getByRole('row', { name: /Weather app/ });
  await row.waitFor();
  await review(page, 'subscriptions-inbox');
  await row.getByRole('button', { name: 'Approve Weather app' }).click();
  await page.getByRole('status').getByText('Weather app may now call').waitFor();
  await page.getByText('No subscription waits for approval.').waitFor();
  assert.equal((await dev.expect(200, 'GET', `/api/v1/subscriptions/${sub.id}`)).state, 'ACTIVE');

  // Block it with a reason, through the dialog.
  await page.getByLabel('State').selectOption('ACTIVE');
  await page.getByRole('row', { name: /Weather app/ }).getByRole('button', { name: 'Block Weather app' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason (the developer sees it)').fill('too many calls');
  await review(page, 'subscriptions-block-dialog');
  await dialog.getByRole('button', { name: 'Block' }).click();
  await page.getByRole('status').getByText('is blocked from').waitFor();
  const blocked = await dev.expect(200, 'GET', `/api/v1/subscriptions/${sub.id}`);
  assert.deepEqual([blocked.state, blocked.reason], ['BLOCKED', 'too many calls']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the analytics page draws its charts from real traffic sent through the gateway', async () => {
  const backend = await new Promise((resolve) => {
    const s = createServer((req, res) => {
      res.statusCode = req.url?.includes('boom') ? 500 : 200;
      res.end('{}');
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const port = /** @type {any} */ (backend).address().port;
    const plan = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/plans`, { name: 'Metered' });
    const api = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, {
      name: 'Traffic', context: '/traffic', version: '1.0.0', endpoints: [{ url: `http://127.0.0.1:${port}/` }],
      resources: [{ method: 'GET', path: '/ok' }, { method: 'GET', path: '/boom' }],
    });
    await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { plan_ids: [plan.id] });
    await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
    const dev = new Rest(server.base);
    await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'caller@portal.test', password: 'caller passphrase long', display_name: 'Caller' });
    await dev.signIn('caller@portal.test', 'caller passphrase long');
    const app = await dev.expect(201, 'POST', '/api/v1/applications', { name: 'Caller app' });
    await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/subscriptions`, { api_id: api.id, plan_id: plan.id });
    const key = (await dev.expect(201, 'POST', `/api/v1/applications/${app.id}/keys`, { name: 'test' })).secret;
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${server.gateway}/traffic/1.0.0/${i % 4 === 0 ? 'boom' : 'ok'}`, { headers: { apikey: key } });
      statuses.push(r.status);
    }
    assert.deepEqual([statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 500).length], [15, 5]);

    const { page, context, errors } = await openPage(browser, server.base);
    await signIn(page);
    // The gateway flushes its usage every second; the page's Refresh asks again.
    await page.goto(`/publisher/apis/${api.id}/analytics`);
    const totals = page.getByRole('table', { name: 'Totals for the hour' });
    const calls = totals.getByRole('row', { name: /^Calls/ });
    for (let i = 0; i < 20 && !/20$/.test((await calls.innerText()).trim()); i++) {
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    assert.match((await calls.innerText()).trim(), /20$/);
    assert.match((await totals.getByRole('row', { name: /Server errors/ }).innerText()).trim(), /5$/);
    await page.locator('.chart-box[data-drawn="true"]').nth(1).waitFor();
    // uPlot drew: two canvases with pixels on them, and the legend names the series.
    const drawn = await page.locator('.chart-box canvas').evaluateAll((canvases) => canvases.map((c) => {
      const canvas = /** @type {HTMLCanvasElement} */ (c);
      const data = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    }));
    assert.equal(drawn.length, 2);
    assert.ok(drawn.every((n) => n > 500), `pixels drawn: ${drawn}`);
    await page.getByText('p95', { exact: true }).first().waitFor();
    await review(page, 'api-analytics');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    /** @type {any} */ (backend).close();
  }
});
