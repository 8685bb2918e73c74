// @ts-check
// More of an API's pages in a real browser: the CORS policy the gateway then applies, the
// stored OpenAPI document (read, downloaded, replaced — refused at its line when invalid, or
// when someone else changed the API meanwhile), versions (a new one, the switcher), and
// documents uploaded as files and put in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { admin, browser, openPage, org, petstore, review, server, signIn, suite } from './helpers.mjs';

suite();

let serial = 0;
async function importApi() {
  const n = ++serial;
  return admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis/import?name=${encodeURIComponent(`Store ${n}`)}&context=/store-${n}`, petstore(`Store ${n}`), { 'content-type': 'application/yaml' });
}

test('a publisher edits the CORS policy and the gateway answers preflights with it', async () => {
  const backend = await new Promise((resolve) => {
    const s = createServer((_, res) => res.end('{}'));
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const api = await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, {
      name: 'Browser API', context: '/browser', version: '1.0.0',
      endpoints: [{ url: `http://127.0.0.1:${/** @type {any} */ (backend).address().port}/` }],
      resources: [{ method: 'GET', path: '/x', auth_required: false }, { method: 'POST', path: '/x', auth_required: false }],
    });
    await admin.expect(200, 'POST', `/api/v1/apis/${api.id}/lifecycle`, { action: 'publish' });
    /** A preflight from `origin` for a POST: the Access-Control-Allow-Origin it gets. @param {string} origin */
    const preflight = async (origin) => (await fetch(`${server.gateway}/browser/1.0.0/x`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
    })).headers.get('access-control-allow-origin');
    assert.equal(await preflight('https://app.example.test'), null, 'CORS is off at first');

    const { page, context, errors } = await openPage(browser, server.base);
    await signIn(page);
    await page.goto(`/publisher/apis/${api.id}`);
    await page.getByRole('navigation', { name: 'Pages of this API' }).getByRole('link', { name: 'CORS' }).click();
    await page.getByLabel('Answer CORS requests').check();
    await page.getByLabel('Allowed origins').fill('https://app.example.test\nhttps://admin.example.test');
    for (const m of ['PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) await page.getByRole('checkbox', { name: m, exact: true }).uncheck();
    await page.getByLabel('Allowed request headers').fill('content-type, apikey');
    await page.getByLabel('Allow credentials').check();
    await review(page, 'api-cors');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const stored = (await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).cors;
    assert.deepEqual(stored, {
      enabled: true, allow_origins: ['https://app.example.test', 'https://admin.example.test'], allow_methods: ['GET', 'POST'],
      allow_headers: ['content-type', 'apikey'], expose_headers: [], allow_credentials: true, max_age_secs: 600,
    });
    // The gateway follows: an allowed origin is echoed, another one gets nothing.
    let allowed = null;
    for (let i = 0; i < 20 && allowed === null; i++) {
      allowed = await preflight('https://app.example.test');
      if (allowed === null) await page.waitForTimeout(100);
    }
    assert.equal(allowed, 'https://app.example.test');
    assert.equal(await preflight('https://evil.example.test'), null);
    // After a reload the form shows what is stored.
    await page.reload();
    // (The form fills in once the API is read.)
    await page.waitForFunction(() => !!/** @type {HTMLTextAreaElement | null} */ (document.querySelector('#cors-origins'))?.value);
    assert.equal(await page.getByLabel('Allowed origins').inputValue(), 'https://app.example.test\nhttps://admin.example.test');
    assert.equal(await page.getByRole('checkbox', { name: 'DELETE', exact: true }).isChecked(), false);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    /** @type {any} */ (backend).close();
  }
});

test('a publisher reads, downloads and replaces the stored OpenAPI document', async () => {
  const api = await importApi();
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}/openapi`);
  const code = page.getByRole('figure').filter({ hasText: 'The document' }).locator('code');
  await code.getByText('title: Store 1').waitFor();
  assert.equal(await code.textContent(), petstore('Store 1'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download it as uploaded' }).click()]);
  assert.equal(await readFile(/** @type {string} */ (await download.path()), 'utf8'), petstore('Store 1'));
  await review(page, 'api-openapi');

  // An invalid document: refused with the line of each error; nothing changes.
  const bad = petstore('Store 1').replace('  /pets/{petId}:', '  pets-by-id:');
  await page.getByLabel('Or paste the new document').fill(bad);
  await page.getByRole('button', { name: 'Replace the document' }).click();
  const line = bad.split('\n').findIndex((l) => l.startsWith('  pets-by-id:')) + 1;
  await page.getByRole('alert').getByText(new RegExp(`^Line ${line}: /paths/pets-by-id`)).waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).resources.length, 3);

  // Someone else changes the API meanwhile: the replace is refused as stale, not applied.
  const better = `${petstore('Store 1')}  /owners:\n    get:\n      responses: {'200': {description: ok}}\n`;
  await admin.expect(200, 'PATCH', `/api/v1/apis/${api.id}`, { description: 'changed elsewhere' });
  await page.getByLabel('Or paste the new document').fill(better);
  await page.getByRole('button', { name: 'Replace the document' }).click();
  const stale = page.getByRole('alert');
  await stale.getByText('This was changed by someone else').waitFor();
  assert.equal((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`)).resources.length, 3);
  await stale.getByRole('button', { name: 'Reload' }).click();

  // After the reload it goes through.
  await page.getByLabel('Or paste the new document').fill(better);
  await page.getByRole('button', { name: 'Replace the document' }).click();
  await page.getByRole('status').getByText('the API has 4 resources now').waitFor();
  await code.getByText('/owners:').waitFor();
  const after = await admin.expect(200, 'GET', `/api/v1/apis/${api.id}`);
  assert.deepEqual(after.resources.map((/** @type {any} */ r) => `${r.method} ${r.path}`), ['GET /pets', 'POST /pets', 'GET /pets/{petId}', 'GET /owners']);
  assert.equal(after.description, 'changed elsewhere');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher creates a new version and switches between the versions', async () => {
  const v1 = await importApi();
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${v1.id}`);
  await page.locator('#new-version').waitFor();
  assert.equal(await page.getByLabel('Version', { exact: true }).count(), 1, 'the new-version field only: no switcher with one version');
  await page.getByLabel('Version', { exact: true }).fill('2.0.0');
  await page.getByRole('button', { name: 'Create the version' }).click();
  await page.getByRole('status').getByText('Version 2.0.0 is created.').waitFor();
  await page.getByRole('heading', { level: 1, name: /2\.0\.0/ }).waitFor();
  const v2 = page.url().split('/').pop();
  assert.notEqual(v2, v1.id);
  const listed = (await admin.expect(200, 'GET', `/api/v1/orgs/${org}/apis?context=${encodeURIComponent(v1.context)}`)).items;
  assert.deepEqual(listed.map((/** @type {any} */ a) => [a.id, a.version, a.state]), [[v1.id, '1.0.0', 'CREATED'], [v2, '2.0.0', 'CREATED']]);
  // A version that exists already is refused.
  await page.locator('#new-version').fill('1.0.0');
  await page.getByRole('button', { name: 'Create the version' }).click();
  await page.getByRole('alert').waitFor();
  await review(page, 'api-versions');

  // The switcher keeps the page: from v2's resources to v1's.
  await page.getByRole('link', { name: 'Resources' }).click();
  await page.waitForURL(new RegExp(`/publisher/apis/${v2}/resources$`));
  const switcher = page.locator('#version-switch');
  await switcher.locator('option').nth(1).waitFor({ state: 'attached' });
  assert.deepEqual(await switcher.locator('option').allInnerTexts(), ['1.0.0 (Created)', '2.0.0 (Created)']);
  await switcher.selectOption(v1.id);
  await page.waitForURL(new RegExp(`/publisher/apis/${v1.id}/resources$`));
  await page.getByRole('heading', { level: 1, name: /1\.0\.0/ }).waitFor();
  assert.equal(await switcher.inputValue(), v1.id);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher uploads a file document and puts the documents in order', async () => {
  const api = await importApi();
  await admin.expect(201, 'POST', `/api/v1/apis/${api.id}/documents`, { title: 'Getting started', type: 'how_to', source: 'inline', content: '# Hello' });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto(`/publisher/apis/${api.id}/documents`);
  await page.getByRole('article', { name: /Getting started/ }).waitFor();
  await page.getByLabel('Title').fill('Price list');
  await page.getByLabel('Type').selectOption('reference');
  await page.getByLabel('Kind').selectOption('file');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'prices.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Add the document' }).click();
  await page.getByRole('status').getByText('“Price list” is added.').waitFor();
  const article = page.getByRole('article', { name: /Price list/ });
  const link = article.getByRole('link', { name: /prices\.png/ });
  await link.waitFor();
  assert.match(await link.innerText(), /72 bytes/);
  const docs = (await admin.expect(200, 'GET', `/api/v1/apis/${api.id}/documents`)).items;
  const file = docs.find((/** @type {any} */ d) => d.title === 'Price list');
  const served = await fetch(`${server.base}/api/v1/apis/${api.id}/documents/${file.id}/content`, { headers: { cookie: admin.cookies } });
  assert.equal(served.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
  await review(page, 'api-documents-file');

  // A file that is not what it claims is refused, and no empty document is left behind.
  await page.getByLabel('Title').fill('Fake PDF');
  await page.getByLabel('Kind').selectOption('file');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
  await page.getByRole('button', { name: 'Add the document' }).click();
  await page.getByRole('alert').getByText(/upload a PDF, PNG/).waitFor();
  assert.deepEqual((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}/documents`)).items.map((/** @type {any} */ d) => d.title), ['Getting started', 'Price list']);

  // Reorder: the price list first.
  assert.equal(await page.getByRole('button', { name: 'Move up Getting started' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Move up Price list' }).click();
  await page.getByRole('status').getByText('“Price list” is moved.').waitFor();
  await page.waitForFunction(() => document.querySelector('main article h2')?.textContent?.startsWith('Price list'));
  assert.deepEqual((await admin.expect(200, 'GET', `/api/v1/apis/${api.id}/documents`)).items.map((/** @type {any} */ d) => d.title), ['Price list', 'Getting started']);
  assert.equal(await page.getByRole('button', { name: 'Move up Price list' }).isDisabled(), true);
  assert.deepEqual(errors, []);
  await context.close();
});
