import type { NormalizedText, Token } from '../../text';
import type { Piece, SequenceNode, WildcardPattern } from '../expression/ast';
import type { Occurrence } from './occurrences';
import { mergeSpans } from './spans';

interface WildcardMatches {
  positions: readonly number[];
  texts: ReadonlySet<string>;
}

/**
 * One zone's tokens, indexed once per record: the positions of each distinct token text, which
 * tokens are tagged, and the occurrences of every term, wildcard and phrase asked so far (rules of
 * one policy share terms; each is looked up once).
 */
export class ZoneIndex {
  readonly tokens: readonly Token[];
  /** 1 where the token overlaps a tagged span: quoted text, a signature, a disclaimer. */
  readonly tagged: Uint8Array;
  readonly hasTagged: boolean;
  private readonly positionsByText = new Map<string, number[]>();
  private vocabulary: Array<{ text: string; codePoints: readonly string[] }> | undefined;
  private readonly wildcards = new Map<string, WildcardMatches>();
  private readonly sequences = new Map<string, readonly Occurrence[]>();

  constructor(text: NormalizedText) {
    this.tokens = text.tokens;
    this.tagged = taggedTokens(text);
    this.hasTagged = this.tagged.includes(1);
    text.tokens.forEach((token, i) => {
      const positions = this.positionsByText.get(token.text);
      if (positions) positions.push(i);
      else this.positionsByText.set(token.text, [i]);
    });
  }

  /** Every occurrence of a term or phrase, tagged tokens included (the evaluation filters them per rule). */
  occurrencesOf(node: SequenceNode): readonly Occurrence[] {
    const key = sequenceKey(node);
    let found = this.sequences.get(key);
    if (!found) {
      found = this.findSequence(node);
      this.sequences.set(key, found);
    }
    return found;
  }

  private findSequence({ pieces, links }: SequenceNode): Occurrence[] {
    const found: Occurrence[] = [];
    const starts = pieces[0].kind === 'exact' ? (this.positionsByText.get(pieces[0].text) ?? []) : this.wildcard(pieces[0].pattern).positions;
    for (const first of starts) {
      const last = first + pieces.length - 1;
      if (last >= this.tokens.length) break;
      let k = 1;
      while (k < pieces.length && this.matches(pieces[k], first + k) && (links[k - 1] === 'next' || this.touch(first + k - 1, first + k))) k++;
      if (k === pieces.length) found.push({ first, last });
    }
    return found;
  }

  private matches(piece: Piece, i: number): boolean {
    const text = this.tokens[i].text;
    return piece.kind === 'exact' ? text === piece.text : this.wildcard(piece.pattern).texts.has(text);
  }

  private touch(i: number, j: number): boolean {
    return this.tokens[i].end === this.tokens[j].start;
  }

  /** A wildcard is tried once against each distinct token text, never against every token. */
  private wildcard(pattern: WildcardPattern): WildcardMatches {
    const key = `${pattern.anchor}:${pattern.units.join('')}`;
    let found = this.wildcards.get(key);
    if (!found) {
      this.vocabulary ??= [...this.positionsByText.keys()].map((text) => ({ text, codePoints: Array.from(text) }));
      const texts = new Set(this.vocabulary.filter((word) => wildcardMatches(pattern, word.codePoints)).map((word) => word.text));
      const positions = [...texts].flatMap((text) => this.positionsByText.get(text) ?? []).sort((a, b) => a - b);
      found = { positions, texts };
      this.wildcards.set(key, found);
    }
    return found;
  }
}

/** Linear in the pattern: one `*`, at an end, and single-character `?` leave nothing to backtrack over. */
function wildcardMatches({ anchor, units }: WildcardPattern, codePoints: readonly string[]): boolean {
  if (anchor === 'whole' ? codePoints.length !== units.length : codePoints.length < units.length) return false;
  const offset = anchor === 'suffix' ? codePoints.length - units.length : 0;
  for (let k = 0; k < units.length; k++) if (units[k] !== '?' && units[k] !== codePoints[offset + k]) return false;
  return true;
}

const sequenceKeys = new WeakMap<SequenceNode, string>();
/** The same term or phrase written twice (in two rules, or twice in one expression) has one key. */
export function sequenceKey(node: SequenceNode): string {
  let key = sequenceKeys.get(node);
  if (key === undefined) {
    key = JSON.stringify([node.pieces, node.links]);
    sequenceKeys.set(node, key);
  }
  return key;
}

function taggedTokens({ tokens, tags }: NormalizedText): Uint8Array {
  const tagged = new Uint8Array(tokens.length);
  if (tags.length === 0) return tagged;
  // merged, sorted spans: the last span starting before a token's end is the only one that can overlap it
  const spans = mergeSpans(tags.filter((t) => t.end > t.start));
  tokens.forEach((token, i) => {
    let low = 0;
    let high = spans.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (spans[mid].start < token.end) low = mid + 1;
      else high = mid;
    }
    if (low > 0 && spans[low - 1].end > token.start) tagged[i] = 1;
  });
  return tagged;
}
