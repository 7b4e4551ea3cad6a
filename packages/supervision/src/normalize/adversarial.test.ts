import { normalize } from './normalize';

/**
 * Hostile input is normalized, not refused and not a hang: each of these is a shape that would make
 * a backtracking regex or a quadratic loop explode. How fast normalize runs is the bench's to
 * measure (a timed assertion here would fail on a busy machine and prove nothing on an idle one);
 * these check that it finishes (within jest's limit) with a sane answer.
 */

/** `unit` repeated to `length` UTF-16 code units (cut at a code unit: hostile inputs may end mid-sequence). */
const repeated = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Every token lies inside the text, in order, without overlapping the one before. */
function expectSane(text: string): void {
  const { tokens } = normalize(text);
  expect(tokens.length).toBeLessThanOrEqual(text.length);
  let end = 0;
  for (const t of tokens) {
    if (!(t.start >= end && t.end > t.start && t.end <= text.length)) throw new Error(`token ${JSON.stringify(t)} out of place after ${end}`);
    end = t.end;
  }
}

describe('hostile input of a megabyte is normalized', () => {
  test.each([
    ['a 1 MB line of emoji', repeated('😀👍🏽👨‍👩‍👧‍👦🇺🇸', 1_000_000)],
    ['100k combining marks on one letter', `a${'\u0301'.repeat(100_000)}`],
    ['1 MB of lone surrogates', repeated('\ud800x\udfff', 1_000_000)],
    [
      'a 100 KB message of every feature',
      repeated(
        'Hi Ann, the returns are g u a r a n t e e d (guar@nteed!) — text me on WhatsApp at +1 555 013 4567 or john@acme.com 😀👍🏽\n' +
          '这个产品保证收益，加我微信私聊。確実に儲かります、LINEで連絡して。Le rendement est garanti, écrivez-moi.\n> quoted line\n\n',
        100_000,
      ),
    ],
  ])('%s', (_kind, text) => expectSane(text));
});

describe('long runs of each shape a quadratic loop would choke on are normalized', () => {
  test.each([
    ['a line of emoji sequences', '😀👍🏽👨‍👩‍👧‍👦🇺🇸1️⃣'],
    ['a ZWJ chain', '😀\u200d'],
    ['odd regional indicators', '🇺'],
    ['tag characters', '🏴\u{e0067}\u{e0062}'],
    ['combining marks on one letter', '\u0301\u0316\u0334'],
    ['marks that need the NFKC interaction check', '\u05b0\u0591'],
    ['lone surrogates', '\ud800a\udc00'],
    ['one spaced-out word', 'a '],
    ['one huge word', 'a'],
    ['one huge leet word', 'a0'],
    ['a line of dashes', '-'],
    ['at signs', '@a'],
    ['dotted digits', '1.'],
    ['compatibility jamo', 'ㄱㅏ'],
    ['alternating quoted lines', '> a\nb\n'],
    ['disclaimer paragraphs', 'not an offer\n\n'],
    ['reply-header-like lines', 'On 1 wrote:\nFrom: x\n'],
  ])('%s', (_kind, unit) => expectSane(`x${repeated(unit, 320_000)}`));
});
