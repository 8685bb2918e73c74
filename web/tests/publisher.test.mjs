// @ts-check
// The publisher's first steps in a real browser: sign in and out, the APIs list, importing an
// OpenAPI document (and being told where a bad one goes wrong), and what a developer meets on
// a publisher page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Rest, admin, browser, openPage, org, petstore, review, server, signIn, suite } from './helpers.mjs';

suite();

test('a publisher signs in, sees the shell for their role, and signs out', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await page.goto('/publisher/apis');
  // Signed out: sent to sign in, and brought back afterwards.
  await page.waitForURL(/\/signin\?next=/);
  await review(page, 'signin');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('The email or the password is wrong.').waitFor();
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/publisher\/apis$/);
  await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'APIs' }).getAttribute('aria-current'), 'page');
  // The session cookie is HttpOnly: the page's script cannot read it, only the CSRF token.
  const visible = await page.evaluate(() => document.cookie);
  assert.match(visible, /tg_csrf=/);
  assert.doesNotMatch(visible, /tg_session=/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin$/);
  await page.goto('/publisher/apis');
  await page.waitForURL(/\/signin\?next=/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the APIs list searches, filters by state and pages with the cursor', async () => {
  for (let i = 0; i < 55; i++) {
    const name = i % 11 === 0 ? `Weather ${i}` : `Catalog ${String(i).padStart(2, '0')}`;
    await admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, { name, context: `/list-${i}`, version: '1.0.0', tags: i % 2 ? ['odd'] : ['even'] });
  }
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/publisher/apis');
  const rows = page.locator('main table tbody tr');
  /** The list once loaded: its row count. */
  const settled = async () => {
    await page.locator('main .table-wrap:not([aria-busy]), main .empty').first().waitFor();
    return rows.count();
  };
  assert.equal(await settled(), 50);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Page 2').waitFor();
  assert.equal(await settled(), 5);
  assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Previous' }).click();
  await page.getByText('Page 1').waitFor();
  assert.equal(await settled(), 50);

  await page.getByRole('searchbox', { name: 'Search' }).fill('weather');
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 5);
  assert.deepEqual(await rows.locator('td:first-child').allInnerTexts(), ['Weather 0', 'Weather 11', 'Weather 22', 'Weather 33', 'Weather 44']);
  // The filters live in the address, so a reload keeps them.
  assert.match(page.url(), /\?q=weather$/);
  await page.getByLabel('Tag').fill('odd');
  await page.getByLabel('Tag').press('Tab');
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 2);
  await page.getByLabel('State').selectOption('PUBLISHED');
  await page.getByText('No API matches these filters.').waitFor();
  await page.getByLabel('State').selectOption('');
  // The cleared state reaches the list and the address before the reload (else the reload
  // would bring the old filter back).
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 2);
  await page.waitForURL((url) => !url.search.includes('state='));
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 2);
  await review(page, 'apis');
  // Right-to-left: the layout uses logical properties only, so it mirrors.
  const sides = () => page.evaluate(() => {
    const x = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel)).getBoundingClientRect().x;
    return { brand: x('.brand'), account: x('.account'), firstCell: x('main tbody td'), lastCell: x('main tbody td:last-child') };
  });
  const ltr = await sides();
  assert.ok(ltr.brand < ltr.account && ltr.firstCell < ltr.lastCell, JSON.stringify(ltr));
  await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
  const rtl = await sides();
  assert.ok(rtl.brand > rtl.account && rtl.firstCell > rtl.lastCell, JSON.stringify(rtl));
  await page.screenshot({ path: new URL('../screenshots/apis-rtl-1280.png', import.meta.url).pathname });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a publisher imports an OpenAPI 3.1 file and sees its resources', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/publisher/apis/import');
  await page.getByRole('heading', { level: 1, name: 'Import an OpenAPI document' }).waitFor();
  await review(page, 'import');
  await page.getByLabel('Document file').setInputFiles({ name: 'petstore.yaml', mimeType: 'application/yaml', buffer: Buffer.from(petstore('Pet Shop')) });
  await page.getByText('petstore.yaml loaded').waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { level: 1, name: 'Pet Shop is imported' }).waitFor();
  await page.getByText('3 resources were created').waitFor();
  await page.getByRole('link', { name: 'See its resources' }).click();
  await page.getByRole('heading', { level: 1, name: /Pet Shop/ }).waitFor();
  const cells = await page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
  assert.deepEqual(cells, [['GET', '/pets'], ['POST', '/pets'], ['GET', '/pets/{petId}']]);
  await review(page, 'api-resources');
  // The list has it too.
  await page.getByRole('link', { name: 'APIs' }).first().click();
  await page.getByRole('searchbox', { name: 'Search' }).fill('Pet Shop');
  await page.getByRole('link', { name: 'Pet Shop' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an invalid document shows each error at its place in the document', async () => {
  const { page, context, errors } = await openPage(browser, server.base);
  await signIn(page);
  await page.goto('/publisher/apis/import');
  // A path key that is not a path: the server names it with a JSON pointer.
  const bad = petstore('Broken').replace('  /pets/{petId}:', '  pets-by-id:');
  await page.getByLabel('Or paste the document').fill(bad);
  await page.getByRole('button', { name: 'Import' }).click();
  const where = page.getByRole('list', { name: 'Where the document goes wrong' });
  await where.waitFor();
  const line = bad.split('\n').findIndex((l) => l.startsWith('  pets-by-id:')) + 1;
  const marked = where.locator('li.bad');
  assert.equal(await marked.count(), 1);
  assert.equal(await marked.getAttribute('value'), String(line));
  assert.match(await marked.innerText(), /pets-by-id/);
  assert.match(await marked.innerText(), new RegExp(`Line ${line}:`));
  await review(page, 'import-invalid');

  // Not YAML at all: the parser's line is marked.
  const broken = 'openapi: 3.1.0\ninfo: [unclosed\npaths: {}\n';
  await page.getByLabel('Or paste the document').fill(broken);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForFunction(() => document.querySelector('.annotated li.bad')?.getAttribute('value') !== null
    && !document.querySelector('.annotated')?.textContent?.includes('pets-by-id'));
  const parseLine = await where.locator('li.bad').getAttribute('value');
  assert.ok(Number(parseLine) >= 2 && Number(parseLine) <= 4, `parse error marked at line ${parseLine}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a developer cannot reach publisher pages: the API answers 403 and the portal says so', async () => {
  const dev = new Rest(server.base);
  await dev.expect(201, 'POST', '/api/v1/auth/signup', { email: 'dev@portal.test', password: 'developer passphrase', display_name: 'Dev' });
  await dev.signIn('dev@portal.test', 'developer passphrase');
  assert.equal((await dev.expect(200, 'GET', '/api/v1/me')).memberships[0].role, 'developer');
  const { page, context } = await openPage(browser, server.base);
  await signIn(page, 'dev@portal.test', 'developer passphrase');
  // No publisher entries in the navigation.
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).count(), 0);
  const answer = page.waitForResponse((r) => r.url().includes('/apis?'));
  await page.goto('/publisher/apis');
  assert.equal((await answer).status(), 403);
  await page.getByRole('alert').getByText('Your role does not allow this page.').waitFor();
  await review(page, 'developer-forbidden');
  await context.close();
});
