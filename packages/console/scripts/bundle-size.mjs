// The bundle budget of issue 14: at most 250 KB of gzip JavaScript for the first page. Reads what
// dist/index.html loads (its module scripts and the chunks it preloads), gzips each as a server
// would, prints the total and fails the build when it is over budget.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)].map((m) => m[1]);
const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"[^>]*>/g)].map((m) => m[1]);
const files = [...new Set([...scripts, ...preloads])];
if (files.length === 0) {
  console.error('console bundle: dist/index.html loads no script; is the build broken?');
  process.exit(1);
}
// the strict CSP refuses inline script: a build that produced one would be a blank page in production
if (/<script\b(?![^>]*\bsrc=)[^>]*>/.test(html) || /<style\b/.test(html) || /\sstyle=/.test(html)) {
  console.error('console bundle: dist/index.html has an inline script or style, which the CSP refuses');
  process.exit(1);
}

let bytes = 0;
for (const file of files) {
  if (/^(https?:)?\/\//.test(file)) {
    console.error(`console bundle: ${file} is on another origin; the console loads only its own files`);
    process.exit(1);
  }
  bytes += gzipSync(readFileSync(join(dist, file.replace(/^\//, ''))), { level: 9 }).length;
}
const kb = bytes / 1024;
console.log(`console bundle: ${kb.toFixed(1)} KB gzip JavaScript for the first page (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`console bundle: over budget by ${(kb - BUDGET_KB).toFixed(1)} KB`);
  process.exit(1);
}
