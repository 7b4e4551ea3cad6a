import { normalize } from './normalize';

const emoji = (text: string): [string, string][] =>
  normalize(text)
    .tokens.filter((t) => t.kind === 'emoji')
    .map((t) => [t.text, text.slice(t.start, t.end)]);

describe('emoji are one token per sequence, recognised before NFKC', () => {
  test.each([
    ['a single emoji', 'ok 😡', [['😡', '😡']]],
    ['skin tones are dropped from the text, kept in the span', '👎🏽', [['👎', '👎🏽']]],
    [
      'presentation selectors are dropped from the text',
      '❤️ ❤',
      [
        ['❤', '❤️'],
        ['❤', '❤'],
      ],
    ],
    ['a ZWJ family is one token', '👨‍👩‍👧‍👦', [['👨‍👩‍👧‍👦', '👨‍👩‍👧‍👦']]],
    ['a ZWJ sequence with a skin tone', '👩🏽‍💻', [['👩‍💻', '👩🏽‍💻']]],
    [
      'a flag is one token per pair of regional indicators',
      '🇺🇸🇨🇳',
      [
        ['🇺🇸', '🇺🇸'],
        ['🇨🇳', '🇨🇳'],
      ],
    ],
    ['a subdivision flag with tag characters', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', [['🏴󠁧󠁢󠁥󠁮󠁧󠁿', '🏴󠁧󠁢󠁥󠁮󠁧󠁿']]],
    [
      'a keycap',
      '1️⃣#⃣',
      [
        ['1⃣', '1️⃣'],
        ['#⃣', '#⃣'],
      ],
    ],
    [
      '™ and © are not turned into letters by NFKC',
      'Acme™ ©',
      [
        ['™', '™'],
        ['©', '©'],
      ],
    ],
    [
      'text-style pictographs count too',
      '☹ ☎',
      [
        ['☹', '☹'],
        ['☎', '☎'],
      ],
    ],
    ['a lone skin tone swatch', '🏿', [['🏿', '🏿']]],
  ])('%s', (_rule, text, expected) => {
    expect(emoji(text)).toEqual(expected);
  });

  test('emoji split words and do not join them', () => {
    expect(normalize('bad😡service').tokens.map((t) => `${t.kind} ${t.text}`)).toEqual(['word bad', 'emoji 😡', 'word service']);
  });

  test('a digit without a keycap mark is a number, a dangling joiner or selector is dropped', () => {
    expect(normalize('5\ufe0f 👍\u200d x').tokens.map((t) => `${t.kind} ${t.text}`)).toEqual(['number 5', 'emoji 👍', 'word x']);
  });

  test('a ZWJ chain is capped at eight elements per token', () => {
    const chain = Array(20).fill('😀').join('\u200d');
    expect(normalize(chain).tokens.map((t) => [...t.text].filter((ch) => ch === '😀').length)).toEqual([8, 8, 4]);
  });
});
