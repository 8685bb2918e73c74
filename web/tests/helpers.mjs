// @ts-check
// What the browser tests share: the real tollgate binary on 127.0.0.1:0 with a fresh SQLite
// database and a bootstrap administrator, Debian's Chromium driven by playwright-core, a REST
// client for setting the scene through the public API, axe-core, and screenshots.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);

export const ADMIN_EMAIL = 'admin@portal.test';
export const ADMIN_PASSWORD = 'portal admin passphrase';
const SECRET_KEY = 'dG9sbGdhdGUgdGVzdCBrZXkgb2YgdGhpcnR5LXR3byE=';

/** The binary under test: $TOLLGATE_BIN, else the newest of the release and debug builds. */
function binary() {
  if (process.env.TOLLGATE_BIN) return process.env.TOLLGATE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(repo, 'target');
  const found = ['release', 'debug'].map((p) => join(target, p, 'tollgate')).filter(existsSync);
  if (!found.length) throw new Error('no tollgate binary: run `cargo build --release` or set TOLLGATE_BIN');
  return found[0];
}

/**
 * A running tollgate with a fresh database.
 * @returns {Promise<{ base: string, gateway: string, stop: () => Promise<void>, log: string[] }>}
 */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-web-'));
  const child = spawn(binary(), ['serve'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: `sqlite://${dir}/tollgate.db`,
      TOLLGATE_LISTEN: '127.0.0.1:0',
      TOLLGATE_GATEWAY_LISTEN: '127.0.0.1:0',
      TOLLGATE_LOG_FORMAT: 'json',
      TOLLGATE_LOG: 'warn,tollgate=info',
      TOLLGATE_ADMIN_EMAIL: ADMIN_EMAIL,
      TOLLGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TOLLGATE_SECRET_KEY: SECRET_KEY,
      // The tests' webhook receivers listen on 127.0.0.1.
      TOLLGATE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      // Draft invoices follow usage within a fifth of a second (the biller's round).
      TOLLGATE_BILLING_CHECK_INTERVAL: '200ms',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  /** @type {string[]} */
  const log = [];
  const ready = new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr?.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        log.push(line);
        try {
          const event = JSON.parse(line);
          const fields = event.fields || event;
          if (fields.message === 'tollgate is ready') resolve({ base: fields.control_plane, gateway: fields.gateway });
        } catch {
          // not JSON: keep it in the log only
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`tollgate exited with ${code}:\n${log.join('\n')}`)));
    setTimeout(() => reject(new Error(`tollgate not ready within 60 s:\n${log.join('\n')}`)), 60_000).unref();
  });
  const { base, gateway } = /** @type {{ base: string, gateway: string }} */ (await ready);
  return {
    base,
    gateway,
    log,
    stop: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A REST client of the server, signed in with a session (cookie + CSRF token). */
export class Rest {
  /** @param {string} base */
  constructor(base) {
    this.base = base;
    this.cookies = '';
    this.csrf = '';
  }

  /**
   * @param {string} method @param {string} path @param {unknown} [body]
   * @param {Record<string, string>} [headers]
   * @returns {Promise<{ status: number, body: any, headers: Headers }>}
   */
  async call(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookies) h.cookie = this.cookies;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const resp = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await resp.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: resp.status, body: parsed, headers: resp.headers };
  }

  /** @param {string} email @param {string} password */
  async signIn(email, password) {
    const resp = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(resp.status, 200, await resp.clone().text());
    this.cookies = resp.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    this.csrf = (await resp.json()).csrf_token;
    return this;
  }

  /**
   * `call`, asserting the status.
   * @param {number} expected @param {string} method @param {string} path @param {unknown} [body]
   * @param {Record<string, string>} [headers]
   */
  async expect(expected, method, path, body, headers) {
    const r = await this.call(method, path, body, headers);
    assert.equal(r.status, expected, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

/** The administrator's first organization (the bootstrap one). @param {Rest} rest */
export async function adminOrg(rest) {
  const me = await rest.expect(200, 'GET', '/api/v1/me');
  return me.memberships[0].org_id;
}

/** @type {Awaited<ReturnType<typeof startServer>>} The test file's server (see `suite`). */
export let server;
/** @type {import('playwright-core').Browser} The test file's browser (see `suite`). */
export let browser;
/** @type {Rest} The bootstrap administrator's REST session on `server` (see `suite`). */
export let admin;
/** @type {string} The administrator's organization (see `suite`). */
export let org;

/**
 * The set-up every browser test file shares, registered as its `before` and `after` hooks:
 * before its tests, a fresh server and the browser, and the administrator signed in to the
 * REST API; after them, both closed. The results are the live bindings `server`, `browser`,
 * `admin` and `org` of this module (each test file runs in a process of its own), set by the
 * time any test runs. A file with more to set up adds its own hooks beside these.
 */
export function suite() {
  before(async () => {
    // Both kept even when the other fails, so that `after` stops what did start (a server left
    // running would keep the test file from ever ending).
    const [started, launched] = await Promise.allSettled([startServer(), launchBrowser()]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const r of [started, launched]) if (r.status === 'rejected') throw r.reason;
    admin = await new Rest(server.base).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    org = await adminOrg(admin);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** Launches Debian's Chromium (no browser download: playwright-core only drives it). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * A page that fails the test on any console error or CSP violation.
 * @param {import('playwright-core').Browser} browser @param {string} base
 * @param {{ width?: number }} [opts]
 */
export async function openPage(browser, base, opts = {}) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: opts.width || 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    // A 401 from GET /api/v1/me before sign-in, and answers a test provokes on purpose, are
    // logged by the browser as failed loads; they are not errors of the portal.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, context, errors };
}

/**
 * Signs in through the form.
 * @param {import('playwright-core').Page} page @param {string} email @param {string} password
 */
export async function signIn(page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page; fails on any
 * violation, naming the rule and the elements.
 * @param {import('playwright-core').Page} page
 */
export async function checkA11y(page) {
  // Injected through the DevTools protocol: the page's CSP allows no inline script, and that
  // is part of what is tested.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-ignore axe is the global the script above defines
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((/** @type {any} */ v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((/** @type {any} */ n) => n.target.join(' ')).join('\n  ')}`);
  });
  assert.deepEqual(violations, [], `axe-core found violations on ${page.url()}`);
}

const shots = join(here, '..', 'screenshots');

/**
 * Screenshots of the page at 1280 and 360 px wide, into web/screenshots/ (kept out of git),
 * and the accessibility check at both widths.
 * @param {import('playwright-core').Page} page @param {string} name
 */
export async function review(page, name) {
  mkdirSync(shots, { recursive: true });
  // Every page has a level-one heading; a page still being loaded (its module imported lazily)
  // has none yet, and is not what is to be reviewed.
  await page.locator('main h1, h1').first().waitFor();
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    await checkA11y(page);
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A small OpenAPI 3.1 document, as YAML. @param {string} title @param {string} backend */
export function petstore(title = 'Petstore', backend = 'http://127.0.0.1:9/v1') {
  return `openapi: 3.1.0
info:
  title: ${title}
  version: 1.0.0
  description: Pets for sale
servers:
  - url: ${backend}
paths:
  /pets:
    get:
      summary: List pets
      responses: {'200': {description: ok}}
    post:
      summary: Add a pet
      responses: {'201': {description: created}}
  /pets/{petId}:
    get:
      summary: One pet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
`;
}
