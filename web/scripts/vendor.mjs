// @ts-check
// Copies the portal's runtime libraries from node_modules into public/vendor/ (what the binary
// serves) and records, for each, its version, licence and the SHA-256 of every copied file in
// public/vendor/VERSIONS.json, with the licence texts in public/vendor/LICENSES.txt.
//
//   node scripts/vendor.mjs          copy and record
//   node scripts/vendor.mjs --check  fail unless public/vendor/ is exactly what a copy would make
//                                    (CI: the committed files match the locked packages)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'node_modules');
const vendor = join(root, 'public', 'vendor');

/**
 * What is copied: package → [file in the package, name under vendor/]. Every ES module here is
 * named in public/index.html's import map; uPlot is a classic script, loaded only by pages with
 * charts.
 * @type {{ pkg: string, files: [string, string][] }[]}
 */
const PACKAGES = [
  { pkg: 'preact', files: [['dist/preact.mjs', 'preact.mjs'], ['hooks/dist/hooks.mjs', 'preact-hooks.mjs']] },
  { pkg: 'htm', files: [['dist/htm.mjs', 'htm.mjs']] },
  { pkg: '@preact/signals-core', files: [['dist/signals-core.mjs', 'signals-core.mjs']] },
  { pkg: '@preact/signals', files: [['dist/signals.mjs', 'signals.mjs']] },
  { pkg: 'openapi-fetch', files: [['dist/index.mjs', 'openapi-fetch.mjs']] },
  { pkg: 'uplot', files: [['dist/uPlot.iife.min.js', 'uPlot.iife.min.js'], ['dist/uPlot.min.css', 'uPlot.min.css']] },
];

const LICENSE_NAMES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'];

/** @param {Buffer|string} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** The files a copy makes: name under vendor/ → contents. */
function expected() {
  /** @type {Map<string, Buffer>} */
  const out = new Map();
  /** @type {object[]} */
  const record = [];
  let licences = 'Licences of the third-party files in this folder, copied from their npm packages.\n';
  for (const { pkg, files } of PACKAGES) {
    const dir = join(modules, pkg);
    if (!existsSync(dir)) throw new Error(`${pkg} is not installed: run npm ci in web/`);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = LICENSE_NAMES.map((n) => join(dir, n)).find(existsSync);
    if (!licenceFile) throw new Error(`${pkg} ships no licence file`);
    licences += `\n==== ${pkg} ${meta.version} (${meta.license}) ====\n\n${readFileSync(licenceFile, 'utf8').trim()}\n`;
    const copied = files.map(([from, to]) => {
      const data = readFileSync(join(dir, from));
      out.set(to, data);
      return { file: to, from: `${pkg}/${from}`, sha256: sha256(data), bytes: data.length };
    });
    record.push({ package: pkg, version: meta.version, license: meta.license, files: copied });
  }
  out.set('LICENSES.txt', Buffer.from(licences));
  out.set('VERSIONS.json', Buffer.from(JSON.stringify(record, null, 2) + '\n'));
  return out;
}

const files = expected();
if (process.argv.includes('--check')) {
  const problems = [];
  const present = existsSync(vendor) ? readdirSync(vendor) : [];
  for (const [name, data] of files) {
    const path = join(vendor, name);
    if (!existsSync(path)) problems.push(`missing: public/vendor/${name}`);
    else if (sha256(readFileSync(path)) !== sha256(data)) problems.push(`differs from node_modules: public/vendor/${name}`);
  }
  for (const name of present) if (!files.has(name)) problems.push(`not made by the vendor script: public/vendor/${name}`);
  if (problems.length) {
    console.error(`${problems.join('\n')}\nRun \`npm run vendor\` in web/ and commit public/vendor/.`);
    process.exit(1);
  }
  console.log(`public/vendor/ matches node_modules (${files.size} files)`);
} else {
  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(vendor, { recursive: true });
  for (const [name, data] of files) writeFileSync(join(vendor, name), data);
  console.log(`wrote ${files.size} files to public/vendor/`);
}
