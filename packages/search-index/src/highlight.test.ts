import { highlight } from './highlight';
import { parseTextQuery } from './text-query';

const marked = (text: string, query: string) => (highlight(parseTextQuery(query)!, { text }).text ?? []).map(([s, e]) => text.slice(s, e));

describe('highlight', () => {
  test('marks every occurrence of the words, phrase words and prefixed words, in the original case', () => {
    expect(marked('Buy ACME shares; acme at Market', 'acme market')).toEqual(['ACME', 'acme', 'Market']);
    expect(marked('ACMECorp and ACME merge', 'acm*')).toEqual(['ACMECorp', 'ACME']);
    expect(marked('the term sheet, the terms', '"term sheet"')).toEqual(['term', 'sheet']);
    // a word marks every form with its stem; a phrase only its exact words
    expect(marked('Filled, filling, fills, fillet', 'fill')).toEqual(['Filled', 'filling', 'fills']);
    expect(marked('the terms of the term sheet', '"term sheet"')).toEqual(['term', 'sheet']);
  });

  test('marks nothing a NOT excludes, and offsets hold across emoji and ideographs', () => {
    expect(marked('fund bond fund', 'fund NOT bond')).toEqual(['fund', 'fund']);
    expect(marked('👍 买入 ACME 👍', '入 acme')).toEqual(['入', 'ACME']);
  });

  test('the subject is highlighted apart from the text; a field without a match has no entry', () => {
    expect(highlight(parseTextQuery('allocation')!, { subject: 'Fund allocation', text: 'nothing here' })).toEqual({ subject: [[5, 15]] });
  });
});
