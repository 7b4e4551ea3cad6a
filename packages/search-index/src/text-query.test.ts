import { SearchQuery } from './query';
import { TextQueryError, parseTextQuery } from './text-query';

describe('parseTextQuery', () => {
  test('precedence: NOT, then AND (implied or written), then OR', () => {
    expect(parseTextQuery('a b OR c NOT d')).toEqual({
      op: 'or',
      any: [
        {
          op: 'and',
          must: [
            { op: 'word', tokens: ['a'] },
            { op: 'word', tokens: ['b'] },
          ],
          not: [],
        },
        { op: 'and', must: [{ op: 'word', tokens: ['c'] }], not: [{ op: 'word', tokens: ['d'] }] },
      ],
    });
    expect(parseTextQuery('(a OR b) AND "Term Sheet" acm*')).toEqual({
      op: 'and',
      must: [
        {
          op: 'or',
          any: [
            { op: 'word', tokens: ['a'] },
            { op: 'word', tokens: ['b'] },
          ],
        },
        { op: 'phrase', tokens: ['term', 'sheet'] },
        { op: 'prefix', token: 'acm' },
      ],
      not: [],
    });
  });

  test('lower-case and, or, not are words; words are analyzed as the index analyzes text', () => {
    expect(parseTextQuery('buy and hold')).toEqual({
      op: 'and',
      must: ['buy', 'and', 'hold'].map((w) => ({ op: 'word', tokens: [w] })),
      not: [],
    });
    expect(parseTextQuery('E-Mail')).toEqual({ op: 'word', tokens: ['e', 'mail'] });
    expect(parseTextQuery('!! ??')).toBeNull();
    expect(parseTextQuery('fund NOT !!')).toEqual({ op: 'word', tokens: ['fund'] });
  });

  test.each([
    ['"unclosed', 'closing quote'],
    ['(a OR b', 'not closed'],
    ['a)', ')'],
    ['NOT bond', 'positive operand'],
    ['a OR NOT b', 'positive operand'],
    ['AND a', 'AND needs an operand before it'],
    ['a AND', 'AND needs an operand after it'],
    ['a OR', 'OR needs an operand after it'],
    ['a NOT', 'NOT needs an operand after it'],
    ['()', 'nothing before'],
    ['ac*me*', 'prefix'],
    ['e-ma*', 'prefix'],
    ['('.repeat(20) + 'a' + ')'.repeat(20), 'nested deeper'],
    [Array.from({ length: 65 }, (_, i) => `w${i}`).join(' '), 'at most 64'],
  ])('%j is refused: %s', (text, why) => {
    expect(() => parseTextQuery(text)).toThrow(TextQueryError);
    expect(() => parseTextQuery(text)).toThrow(why);
  });

  test('the search schema refuses bad syntax with the parser’s reason', () => {
    const r = SearchQuery.safeParse({ text: 'a OR' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['text'], message: 'OR needs an operand after it' });
  });
});
