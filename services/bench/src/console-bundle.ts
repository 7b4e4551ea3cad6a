import { bundleChunks, firstPageBundle } from '@custody/console';
import { fmt } from './stats';

const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;

/**
 * `--console`: what the built console costs a browser, measured as the build's budget check does
 * (packages/console/bundle-size.js): the first page's gzip JavaScript against the 250 KB budget, and
 * every lazily loaded page's chunk beside it. Sizes, not times: they do not vary between runs.
 */
export function consoleBundleReport(): string[] {
  const first = firstPageBundle();
  if (first.problems.length > 0) throw new Error(`the console build is broken: ${first.problems.join('; ')}`);
  const firstFiles = new Set(first.files.map((f) => f.file));
  return [
    `console first page: ${kb(first.gzipBytes)} gzip JavaScript in ${first.files.length} file(s); budget ${kb(first.budgetBytes)}, first page ÷ budget ${fmt(first.gzipBytes / first.budgetBytes, 3)}`,
    '',
    '| chunk | gzip | loaded |',
    '|---|---|---|',
    ...bundleChunks().map((c) => `| ${c.file} | ${kb(c.gzipBytes)} | ${firstFiles.has(c.file) ? 'first page' : 'when its page opens'} |`),
  ];
}
