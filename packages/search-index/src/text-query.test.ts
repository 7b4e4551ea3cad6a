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

  test('channel and kind are any case, and an unknown one is refused with the list of valid ones', () => {
    expect(SearchQuery.parse({ channel: 'WhatsApp', kind: 'Message' })).toMatchObject({ channel: 'whatsapp', kind: 'message' });
    const r = SearchQuery.safeParse({ channel: 'whatsap' });
    expect(r.error?.issues[0].message).toBe('unknown channel; one of: whatsapp, telegram, sms, mms, voice, signal, wecom, line, email');
    expect(SearchQuery.safeParse({ kind: 'memo' }).error?.issues[0].message).toContain('unknown kind; one of: message, call, edit');
  });

  test('a date alone is a UTC day: from its start, to the start of the next day; parsing twice changes nothing', () => {
    const q = SearchQuery.parse({ from: '2024-02-28', to: '2024-02-29' });
    expect(q).toMatchObject({ from: '2024-02-28T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' });
    expect(SearchQuery.parse(q)).toMatchObject({ from: q.from, to: q.to });
    expect(SearchQuery.safeParse({ to: '2024-02-30' }).success).toBe(false);
  });

  test('relevance needs a text to score against', () => {
    expect(SearchQuery.safeParse({ sort: 'relevance' }).error?.issues[0]).toMatchObject({ path: ['sort'], message: 'relevance needs a text to score against' });
    expect(SearchQuery.safeParse({ sort: 'relevance', text: 'acme' }).success).toBe(true);
  });
});
