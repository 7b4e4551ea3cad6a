/**
 * NFKC and case folding of one cluster (a base character and what composes with it, see
 * char-stream.ts). Two engine functions are used, each pinned by fold.test.ts on every character
 * behaviour relied on, because their tables come with Node's ICU:
 *
 * - String.prototype.normalize('NFKC'): Unicode's normalization stability policy freezes the
 *   result for every assigned character, so only characters unassigned in an older engine could
 *   differ (full-width Latin → ASCII, ligatures ﬁ → fi, half-width katakana → full-width,
 *   mathematical and circled letters → plain letters, ① → 1, ㍻ → 平成 are all relied on).
 * - String.prototype.toLowerCase(), locale-independent, applied one code point at a time (so
 *   Greek final-sigma context never applies) and only inside CASE_FOLDED blocks.
 *
 * On top, full case folding that toLowerCase() does not do, by an explicit table: ß and ẞ → "ss",
 * final ς → σ, and Turkish I without locale: dotted İ and dotless ı both fold to plain "i", so a
 * policy term matches whichever i a writer (or an obfuscator) used.
 */
import { CASE_FOLDED, DROPPED } from './char-tables';
import { inRanges } from './ranges';

const FULL_CASE_FOLDING: ReadonlyMap<number, string> = new Map([
  [0x00df, 'ss'], // ß
  [0x1e9e, 'ss'], // ẞ
  [0x0130, 'i'], // İ (toLowerCase would give i + U+0307 combining dot)
  [0x0131, 'i'], // ı
  [0x03c2, 'σ'], // ς
]);

/** Lower-case ASCII by arithmetic: the hot path of every Latin text. */
export function foldAscii(cp: number): number {
  return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
}

/** The folded form of one cluster of the original text, possibly empty (a lone zero-width space). */
export function foldCluster(cluster: string): string {
  const compatible = cluster.normalize('NFKC');
  let folded = '';
  for (const ch of compatible) folded += foldCodePoint(ch);
  // lowering can produce a sequence NFKC would write differently (Ǳ → dz): normalize again
  const normalized = folded === compatible ? folded : folded.normalize('NFKC');
  let kept = '';
  for (const ch of normalized) if (!inRanges(ch.codePointAt(0) as number, DROPPED)) kept += ch;
  return kept;
}

function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x80) return String.fromCharCode(foldAscii(cp));
  const full = FULL_CASE_FOLDING.get(cp);
  if (full !== undefined) return full;
  return inRanges(cp, CASE_FOLDED) ? ch.toLowerCase() : ch;
}
