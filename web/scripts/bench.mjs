// @ts-check
// Page weight and speed of the APIs list (a measurement, not a test): a fresh server with
// 1,000 APIs, a first visit in headless Chromium with an empty cache, then
//  - the JavaScript and CSS the visit transferred (bytes on the wire, compressed as served);
//  - the time from navigation start to the list's first render (the page's
//    `tollgate:apis-rendered` mark) and to DOMContentLoaded.
// With LIGHTHOUSE=1, then Lighthouse's performance and accessibility scores of the APIs list
// and of an API's page, signed in, on the same server (the acceptance bar is 95 for both).
// Run against a release build for real figures: TOLLGATE_BIN=../target/release/tollgate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Rest, adminOrg, launchBrowser, startServer } from '../tests/helpers.mjs';

const COUNT = Number(process.env.BENCH_APIS || 1000);
const server = await startServer();
const browser = await launchBrowser();
try {
  const admin = await new Rest(server.base).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  const org = await adminOrg(admin);
  for (let i = 0; i < COUNT; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, COUNT - i) }, (_, j) =>
      admin.expect(201, 'POST', `/api/v1/orgs/${org}/apis`, { name: `Bench API ${i + j}`, context: `/bench-${i + j}`, version: '1.0.0', tags: ['bench'] })));
  }
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 900 } });
  // The session cookies of the REST sign-in, so that the measured visit is the list itself.
  const url = new URL(server.base);
  const cookies = admin.cookies.split('; ').map((c) => {
    const [name, ...value] = c.split('=');
    return { name, value: value.join('='), domain: url.hostname, path: '/' };
  });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto('/publisher/apis');
  await page.waitForFunction(() => performance.getEntriesByName('tollgate:apis-rendered').length > 0, null, { timeout: 30_000 });
  const figures = await page.evaluate(() => {
    const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
    const resources = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'));
    const kind = (/** @type {string} */ name) => (/\.(m?js)(\?|$)/.test(name) ? 'js' : /\.css(\?|$)/.test(name) ? 'css' : /\.json(\?|$)/.test(name) && name.includes('/assets/') ? 'js' : name.includes('/api/') ? 'api' : 'other');
    /** @type {Record<string, { files: number, transferred: number, decoded: number }>} */
    const by = {};
    for (const r of resources) {
      const k = kind(r.name);
      by[k] ||= { files: 0, transferred: 0, decoded: 0 };
      by[k].files++;
      by[k].transferred += r.encodedBodySize;
      by[k].decoded += r.decodedBodySize;
    }
    const rendered = performance.getEntriesByName('tollgate:apis-rendered')[0].startTime;
    return { by, rendered, domContentLoaded: nav.domContentLoadedEventEnd, shell: nav.encodedBodySize, rows: document.querySelectorAll('main table tbody tr').length };
  });
  const js = figures.by.js || { files: 0, transferred: 0, decoded: 0 };
  const css = figures.by.css || { files: 0, transferred: 0, decoded: 0 };
  const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`APIs in the organization: ${COUNT}; rows rendered on the first page: ${figures.rows}`);
  console.log(`JavaScript: ${js.files} files, ${kb(js.transferred)} transferred (${kb(js.decoded)} decoded)`);
  console.log(`CSS: ${css.files} files, ${kb(css.transferred)} transferred (${kb(css.decoded)} decoded)`);
  console.log(`JS + CSS transferred: ${kb(js.transferred + css.transferred)}; the shell (index.html): ${kb(figures.shell)}`);
  console.log(`API calls: ${figures.by.api?.files ?? 0}, ${kb(figures.by.api?.transferred ?? 0)}`);
  console.log(`DOMContentLoaded: ${figures.domContentLoaded.toFixed(0)} ms; list first rendered: ${figures.rendered.toFixed(0)} ms after navigation start`);
  if (process.env.LIGHTHOUSE) {
    const first = await admin.expect(200, 'GET', `/api/v1/orgs/${org}/apis?limit=1`);
    await runLighthouse(server.base, cookies, ['/publisher/apis', `/publisher/apis/${first.items[0].id}`]);
  }
} finally {
  await browser.close();
  await server.stop();
}

/**
 * Lighthouse drives a tab of its own over the DevTools protocol: a persistent browser context
 * (its default context holds the session cookies) with a debugging port, storage kept between
 * the runs so that the pages are measured signed in.
 * @param {string} base @param {{ name: string, value: string, domain: string, path: string }[]} cookies
 * @param {string[]} paths
 */
async function runLighthouse(base, cookies, paths) {
  const { default: lighthouse } = await import('lighthouse');
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-lighthouse-'));
  const port = 9300 + Math.floor(Math.random() * 600);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', `--remote-debugging-port=${port}`],
  });
  try {
    await context.addCookies(cookies);
    for (const path of paths) {
      const result = await lighthouse(base + path, {
        port,
        disableStorageReset: true,
        onlyCategories: ['performance', 'accessibility'],
        logLevel: 'error',
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
      const { lhr } = result;
      const final = lhr.finalDisplayedUrl.replace(base, '');
      if (final !== path) throw new Error(`${path} ended at ${final}: the visit was not signed in`);
      const score = (/** @type {string} */ k) => Math.round((lhr.categories[k].score ?? 0) * 100);
      const shown = (/** @type {string} */ id) => lhr.audits[id]?.displayValue ?? '?';
      console.log(
        `Lighthouse ${path}: performance ${score('performance')}, accessibility ${score('accessibility')} ` +
          `(FCP ${shown('first-contentful-paint')}, LCP ${shown('largest-contentful-paint')}, ` +
          `TBT ${shown('total-blocking-time')}, CLS ${shown('cumulative-layout-shift')})`,
      );
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
