/**
 * The compiled form of a match expression. Every node keeps `at`, the UTF-16 offset in the
 * expression of the text it came from, so an error or an explanation can point at it.
 */

/** `?` in `units` stands for any one character; tokens never hold a `?` (it is punctuation), so it cannot collide. */
export interface WildcardPattern {
  /** 'prefix': `guarant*`; 'suffix': `*ment`; 'whole': only `?` wildcards, the token has exactly units.length characters. */
  anchor: 'whole' | 'prefix' | 'suffix';
  /** Code points of the term without its `*`. */
  units: readonly string[];
}

/** What one token must be: exactly this normalized text, or a word the pattern matches. */
export type Piece = { kind: 'exact'; text: string } | { kind: 'wildcard'; pattern: WildcardPattern };

/**
 * How a piece follows the previous one. 'touching': next token and no gap in the original text (the
 * characters of 保证, the word and emoji of "great👍"); 'next': next token (the words of a phrase).
 */
export type Link = 'touching' | 'next';

export interface SequenceNode {
  kind: 'sequence';
  at: number;
  /** The term or phrase as written, for explanations. */
  source: string;
  pieces: readonly Piece[];
  /** links[i] joins pieces[i] and pieces[i + 1]. */
  links: readonly Link[];
}

export interface OrNode {
  kind: 'or';
  at: number;
  operands: readonly Expression[];
}

/** All of `operands` occur in the zone and none of `absent` does (A AND NOT B). */
export interface AndNode {
  kind: 'and';
  at: number;
  operands: readonly Expression[];
  absent: readonly Expression[];
}

/** NEAR/n (unordered) or ONEAR/n, PRE/n (left before right): at most `distance` tokens apart, 1 meaning adjacent. */
export interface ProximityNode {
  kind: 'proximity';
  at: number;
  ordered: boolean;
  distance: number;
  left: Expression;
  right: Expression;
}

export type Expression = SequenceNode | OrNode | AndNode | ProximityNode;
