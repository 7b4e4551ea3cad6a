/// <reference path="./stemmer.d.ts" />
import porterStem = require('stemmer');

/**
 * The stem of an analyzed token: the Porter algorithm, as OpenSearch's `porter_stem` filter (Lucene's
 * PorterStemmer) computes it after `lowercase`, so "fill" finds "filled" and "filling" on both
 * adapters alike (contract.itest.ts checks every stem against the server's `_analyze`). Like
 * Lucene, every token goes through it: Porter's rules remove English suffixes and leave anything
 * without one (numbers, ideographs, emoji) as it was.
 */
export function stem(token: string): string {
  return porterStem(token);
}
