/**
 * The original text as a stream of folded code points, each remembering the UTF-16 range of the
 * original it came from: the tokenizer works on the stream and a token's offsets are its first and
 * last entries' ranges, so a hit highlights what the person actually wrote.
 *
 * The text is cut into clusters — a character plus whatever composes with it under NFKC
 * (combining marks, a half-width voicing mark ﾞ, conjoining jamo) — and each cluster is folded on
 * its own (fold.ts). Every code point of a cluster's folded form maps to the whole cluster (ﬁ gives
 * "f" and "i", both spanning the ligature). A cluster holds at most MAX_CLUSTER code points, the
 * "stream-safe" bound of UAX #15, so 100k combining marks cost linear time. Emoji sequences are
 * recognised first, on the original, and become one entry each; a lone surrogate becomes a symbol.
 */
import { CharClass, classify } from './char-class';
import { ATTACHING_MARKS, NEVER_COMPOSES_WITH_PREVIOUS, NFKC_IDENTITY } from './char-tables';
import { emojiEnd, emojiTokenText } from './emoji';
import { foldAscii, foldCluster } from './fold';
import { inRanges } from './ranges';

const MAX_CLUSTER = 32;

/** Parallel typed arrays rather than an object per character: a 1 MB message is a million entries. */
export interface CharStream {
  readonly length: number;
  /** Folded code point, or EMOJI for an emoji sequence (its text is in `emoji`). */
  readonly codePoints: Int32Array;
  readonly classes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Token text of each emoji entry, by stream index. */
  readonly emoji: Map<number, string>;
}

const EMOJI = -1;

/** Appends entries, doubling its arrays when full (NFKC can make more entries than the text has code units). */
class StreamBuilder {
  length = 0;
  codePoints: Int32Array;
  classes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  readonly emoji = new Map<number, string>();

  constructor(capacity: number) {
    this.codePoints = new Int32Array(capacity);
    this.classes = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  push(cp: number, cls: CharClass, start: number, end: number): void {
    if (this.length === this.codePoints.length) this.grow();
    this.codePoints[this.length] = cp;
    this.classes[this.length] = cls;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  private grow(): void {
    const capacity = this.codePoints.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(array: T, next: T): T => (next.set(array), next);
    this.codePoints = grown(this.codePoints, new Int32Array(capacity));
    this.classes = grown(this.classes, new Uint8Array(capacity));
    this.starts = grown(this.starts, new Int32Array(capacity));
    this.ends = grown(this.ends, new Int32Array(capacity));
  }
}

export function toCharStream(text: string): CharStream {
  const stream = new StreamBuilder(text.length + 16);
  const push = (cp: number, cls: CharClass, start: number, end: number): void => stream.push(cp, cls, start, end);
  // a text repeats its characters: fold each lone one once (folding is a pure function, so this cannot change output)
  const foldedSingles = new Map<number, string>();
  const flush = (start: number, end: number): void => {
    if (end - start === 1 && text.charCodeAt(start) < 0x80) {
      const cp = foldAscii(text.charCodeAt(start));
      push(cp, classify(cp), start, end);
      return;
    }
    const first = text.codePointAt(start) as number;
    const isSingle = end - start === (first > 0xffff ? 2 : 1);
    if (isSingle && inRanges(first, NFKC_IDENTITY)) {
      push(first, CharClass.cjk, start, end);
      return;
    }
    let folded = isSingle ? foldedSingles.get(first) : undefined;
    if (folded === undefined) {
      folded = foldCluster(text.slice(start, end));
      if (isSingle) foldedSingles.set(first, folded);
    }
    for (const ch of folded) {
      const cp = ch.codePointAt(0) as number;
      push(cp, classify(cp), start, end);
    }
  };

  const clusters = new ClusterScanner(text);
  let clusterStart = -1;
  let clusterCodePoints = 0;
  let i = 0;
  while (i < text.length) {
    const emojiStop = emojiEnd(text, i);
    if (emojiStop > 0) {
      if (clusterStart >= 0) flush(clusterStart, i);
      clusterStart = -1;
      stream.emoji.set(stream.length, emojiTokenText(text.slice(i, emojiStop)));
      push(EMOJI, CharClass.emoji, i, emojiStop);
      i = emojiStop;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // a lone surrogate: kept out of normalize(), whose result for it is not specified
      if (clusterStart >= 0) flush(clusterStart, i);
      clusterStart = -1;
      push(cp, CharClass.symbol, i, i + 1);
      i += 1;
      continue;
    }
    if (clusterStart >= 0 && clusterCodePoints < MAX_CLUSTER && clusters.joins(clusterStart, i, cp)) {
      clusterCodePoints += 1;
    } else {
      if (clusterStart >= 0) flush(clusterStart, i);
      clusterStart = i;
      clusterCodePoints = 1;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  if (clusterStart >= 0) flush(clusterStart, text.length);
  return stream;
}

/**
 * Decides whether a code point joins the cluster before it: NFKC of the two together differs from
 * NFKC of each. The NFKC of the growing cluster is carried from one decision to the next, so a
 * long run of marks costs one normalize() call per code point.
 */
class ClusterScanner {
  /** NFKC of text[clusterStart, at) when the last decision computed it, keyed by that range. */
  private known: { clusterStart: number; at: number; nfkc: string } | null = null;
  private readonly nfkcOfCodePoint = new Map<number, string>();

  constructor(private readonly text: string) {}

  joins(clusterStart: number, at: number, cp: number): boolean {
    if (cp < 0x300) return false;
    if (inRanges(cp, ATTACHING_MARKS)) return true;
    if (inRanges(cp, NEVER_COMPOSES_WITH_PREVIOUS)) return false;
    const cluster = this.text.slice(clusterStart, at);
    const ch = String.fromCodePoint(cp);
    const known = this.known;
    const before = known !== null && known.clusterStart === clusterStart && known.at === at ? known.nfkc : cluster.normalize('NFKC');
    const together = (cluster + ch).normalize('NFKC');
    const next = at + ch.length;
    if (together !== before + this.nfkcOf(cp, ch)) {
      this.known = { clusterStart, at: next, nfkc: together };
      return true;
    }
    this.known = { clusterStart: at, at: next, nfkc: this.nfkcOf(cp, ch) };
    return false;
  }

  private nfkcOf(cp: number, ch: string): string {
    let nfkc = this.nfkcOfCodePoint.get(cp);
    if (nfkc === undefined) {
      nfkc = ch.normalize('NFKC');
      this.nfkcOfCodePoint.set(cp, nfkc);
    }
    return nfkc;
  }
}
