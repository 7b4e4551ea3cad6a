/**
 * The normalizer's output, the one contract between the normalizer (normalize/) and the matcher
 * (policy/): every offset is a UTF-16 [start, end) range of the ORIGINAL text, so a hit found on
 * normalized tokens is highlighted on the words the person wrote.
 */

/** A unit the matcher compares: a word, a number, an emoji, or one CJK segment. */
export interface Token {
  /** Normalized form: NFKC, case-folded, de-obfuscated ("guar@nteed" → "guaranteed"). */
  text: string;
  kind: 'word' | 'number' | 'emoji' | 'cjk';
  /** Where it stands in the original text. */
  start: number;
  end: number;
}

/** Parts of a text that are not the person's own words: shown de-emphasised, never deleted, matched only when a policy asks. */
export interface TaggedSpan {
  kind: 'disclaimer' | 'signature' | 'quoted';
  start: number;
  end: number;
}

export interface NormalizedText {
  /** The normalizer version that produced this (NORMALIZER_VERSION): a result names it, so a re-run can be compared. */
  normalizer: string;
  /** BCP 47 primary language subtag the text is most likely in ('en', 'zh', 'ja', 'es', 'fr', …), or 'und'. */
  language: string;
  tokens: Token[];
  tags: TaggedSpan[];
}
