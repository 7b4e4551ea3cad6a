'use strict';
// Hand-written, not built (as index.js): the build's budget check (scripts/bundle-size.mjs) and the
// bench (`npm run bench -- --console`) measure the console the same way, from what dist/index.html loads.
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

/** Issue 14's budget: gzip JavaScript the first page loads. */
const BUDGET_BYTES = 250 * 1024;

const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * What the first page costs: the module scripts dist/index.html loads and the chunks it preloads,
 * each gzipped as a server would send it. `problems` names what the strict CSP would refuse (an inline
 * script or style) or what is not the console's own (another origin): each fails the build.
 */
function measureFirstPage(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"[^>]*>/g)].map((m) => m[1]);
  const problems = [];
  if (scripts.length === 0) problems.push('dist/index.html loads no script; is the build broken?');
  if (/<script\b(?![^>]*\bsrc=)[^>]*>/.test(html) || /<style\b/.test(html) || /\sstyle=/.test(html))
    problems.push('dist/index.html has an inline script or style, which the CSP refuses');
  const files = [];
  for (const file of new Set([...scripts, ...preloads])) {
    if (/^(https?:)?\/\//.test(file)) problems.push(`${file} is on another origin; the console loads only its own files`);
    else files.push({ file, gzipBytes: gzipSize(join(dist, file.replace(/^\//, ''))) });
  }
  return { files, gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0), budgetBytes: BUDGET_BYTES, problems };
}

/** Every JavaScript file of the build (the first page's and the lazily loaded pages'), gzip sizes, largest first. */
function measureChunks(dist) {
  return readdirSync(join(dist, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ file: `/assets/${name}`, gzipBytes: gzipSize(join(dist, 'assets', name)) }))
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

module.exports = { BUDGET_BYTES, measureFirstPage, measureChunks };
