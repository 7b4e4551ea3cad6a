/**
 * The tokens of a text, in order of their start offset.
 *
 * CJK text has no spaces and a dictionary segmenter would tie output to a word list, so Han, kana
 * and Hangul are one 'cjk' token PER CHARACTER. The matcher finds a CJK term as consecutive
 * single-character tokens that touch in the text: "保证" is the tokens 保, 证 one after the other
 * (the matcher requires them adjacent, so a spaced-out "保 证" is not a match). This finds 保证,
 * 確実に, 投诉, 微信 or 私人 inside unsegmented text; whether a term should also match across a
 * longer word is the policy's business. Traditional and Simplified forms are not folded into each
 * other: policies list both.
 */
import type { Token } from '../text';
import { CharClass } from './char-class';
import { toCharStream } from './char-stream';
import { tokenizeChunk } from './chunk-tokens';
import { findSpacedRuns } from './spaced-runs';

export function tokenize(text: string): Token[] {
  const stream = toCharStream(text);
  const { codePoints, classes, starts, ends } = stream;
  const runs = findSpacedRuns(stream);
  const tokens: Token[] = [];
  let nextRun = 0;
  let k = 0;
  while (k < stream.length) {
    const run = runs[nextRun];
    if (run !== undefined && run.first === k) {
      tokens.push({ text: run.text, kind: 'word', start: starts[run.first], end: ends[run.last] });
      k = run.last + 1;
      nextRun += 1;
      continue;
    }
    const cls = classes[k];
    if (cls === CharClass.emoji) {
      tokens.push({ text: stream.emoji.get(k) as string, kind: 'emoji', start: starts[k], end: ends[k] });
      k += 1;
    } else if (cls === CharClass.cjk) {
      tokens.push({ text: String.fromCodePoint(codePoints[k]), kind: 'cjk', start: starts[k], end: ends[k] });
      k += 1;
    } else if (cls === CharClass.space) {
      k += 1;
    } else {
      // a chunk ends at a space, emoji or CJK character, or where the next spaced-out word begins
      const chunkEnd = run === undefined ? stream.length : run.first;
      const from = k;
      while (k < chunkEnd && (classes[k] === CharClass.letter || classes[k] === CharClass.digit || classes[k] === CharClass.symbol)) k += 1;
      tokenizeChunk(stream, from, k, tokens);
    }
  }
  return tokens;
}
