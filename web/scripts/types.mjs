// @ts-check
// Generates types/api.d.ts from ../openapi/tollgate.json with openapi-typescript.
//
//   node scripts/types.mjs          write types/api.d.ts
//   node scripts/types.mjs --check  fail when the committed file differs from a fresh generation
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, '..', 'openapi', 'tollgate.json');
const target = join(root, 'types', 'api.d.ts');

const header = '// Generated from openapi/tollgate.json by openapi-typescript (web/scripts/types.mjs). Do not edit.\n\n';
const generated = header + astToString(await openapiTS(pathToFileURL(source)));

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (committed !== generated) {
    console.error('web/types/api.d.ts is stale: run `npm run types` in web/ and commit it.');
    process.exit(1);
  }
  console.log('web/types/api.d.ts matches openapi/tollgate.json');
} else {
  writeFileSync(target, generated);
  console.log('wrote types/api.d.ts');
}
