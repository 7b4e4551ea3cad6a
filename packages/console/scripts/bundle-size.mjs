// The bundle budget of issue 14: at most 250 KB of gzip JavaScript for the first page. Prints the
// total and fails the build when it is over budget, or when the page would break under the CSP.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { measureFirstPage } = createRequire(import.meta.url)('../bundle-size.js');
const first = measureFirstPage(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
for (const problem of first.problems) console.error(`console bundle: ${problem}`);
if (first.problems.length > 0) process.exit(1);
const kb = (bytes) => (bytes / 1024).toFixed(1);
console.log(`console bundle: ${kb(first.gzipBytes)} KB gzip JavaScript for the first page (budget ${kb(first.budgetBytes)} KB)`);
if (first.gzipBytes > first.budgetBytes) {
  console.error(`console bundle: over budget by ${kb(first.gzipBytes - first.budgetBytes)} KB`);
  process.exit(1);
}
