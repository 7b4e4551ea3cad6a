import type { NormalizedText, TaggedSpan } from '../text';
import { matchPolicy, parsePolicy, type MatchContext, type Policy, type PolicyInput } from './index';
import { tagOf, tokenize } from './tokenize.test-support';

const CONTEXT: MatchContext = { employeeIds: ['e1'], groups: [], channel: 'whatsapp', direction: 'outbound', externalParticipants: [] };

type RuleInput = PolicyInput['rules'][number];

function policyOf(...rules: Array<Partial<RuleInput>>): Policy {
  const policy = {
    format: 'custody.policy/v1',
    id: 'test',
    name: 'Test',
    severity: 'high',
    rules: rules.map((rule, i) => ({ id: `r${i + 1}`, description: 'test rule', match: 'x', ...rule })),
  };
  return parsePolicy(JSON.stringify(policy), 'json');
}

/** The highlighted parts of `text` (the body) where `match` hits, or null without a hit. */
function highlights(match: string, text: string, options: { exclude?: string[]; includeTagged?: boolean; tags?: TaggedSpan[] } = {}): string[] | null {
  const policy = policyOf({ match, exclude: options.exclude, includeTagged: options.includeTagged });
  const { hits } = matchPolicy(policy, { zones: { body: tokenize(text, options.tags) }, context: CONTEXT });
  if (hits.length === 0) return null;
  return hits[0].spans.map((s) => text.slice(s.start, s.end));
}

describe('terms and wildcards', () => {
  it('match whole tokens, whatever the case', () => {
    expect(highlights('guarantee', 'I GUARANTEE it. Guarantee!')).toEqual(['GUARANTEE', 'Guarantee']);
    expect(highlights('guarantee', 'it is guaranteed')).toBeNull();
  });

  it('match the normalized text: a full-width term finds the ASCII word and back', () => {
    expect(highlights('ＧＵＡＲＡＮＴＥＥ', 'we guarantee')).toEqual(['guarantee']);
    expect(highlights('guarantee', 'we ＧＵＡＲＡＮＴＥＥ')).toEqual(['ＧＵＡＲＡＮＴＥＥ']);
  });

  it('prefix *', () => expect(highlights('guarant*', 'guaranteed, guarantees, a guarantor, on guard')).toEqual(['guaranteed', 'guarantees', 'guarantor']));
  it('suffix *', () => expect(highlights('*ment', 'investment, payment, mentor, ment')).toEqual(['investment', 'payment', 'ment']));
  it('? is one character', () => expect(highlights('gu?rantee', 'guarantee guxrantee gurantee guaarantee')).toEqual(['guarantee', 'guxrantee']));
  it('? and * together', () => expect(highlights('gu?rant*', 'guarantor gurantor guaranteed')).toEqual(['guarantor', 'guaranteed']));
});

describe('phrases', () => {
  it('are consecutive tokens; punctuation between them does not matter, another word does', () => {
    expect(highlights('"text me"', 'Text me later. text, me? text you me')).toEqual(['Text', 'me', 'text', 'me']);
  });
  it('may hold wildcards', () => expect(highlights('"guarant* returns"', 'guaranteed returns; guarantee the returns')).toEqual(['guaranteed', 'returns']));
  it('of a multi-word pack entry', () =>
    expect(highlights('"text me on my personal"', 'pls text me on my personal cell')).toEqual(['text', 'me', 'on', 'my', 'personal']));
});

describe('AND, OR, NOT', () => {
  it('AND needs every operand in the zone and highlights all of them', () => {
    expect(highlights('guarantee AND returns', 'returns, I guarantee returns')).toEqual(['returns', 'guarantee', 'returns']);
    expect(highlights('guarantee AND returns', 'I guarantee it')).toBeNull();
  });
  it('OR needs one', () => {
    expect(highlights('guarantee OR promise', 'I promise')).toEqual(['promise']);
    expect(highlights('guarantee OR promise', 'I swear')).toBeNull();
  });
  it('AND NOT vetoes the whole zone', () => {
    expect(highlights('guarantee AND NOT unsubscribe', 'we guarantee')).toEqual(['guarantee']);
    expect(highlights('guarantee AND NOT unsubscribe', 'we guarantee. Click to unsubscribe')).toBeNull();
  });
});

describe('proximity', () => {
  const text = 'guarantee a b returns';
  it('NEAR/n: the later side starts at most n tokens after the earlier one ends', () => {
    expect(highlights('guarantee NEAR/3 returns', text)).toEqual(['guarantee', 'returns']);
    expect(highlights('guarantee NEAR/2 returns', text)).toBeNull();
    expect(highlights('returns NEAR/3 guarantee', text)).toEqual(['guarantee', 'returns']);
  });
  it('NEAR/1 is adjacent', () => {
    expect(highlights('guarantee NEAR/1 returns', 'guarantee returns')).toEqual(['guarantee', 'returns']);
    expect(highlights('guarantee NEAR/1 returns', 'guarantee big returns')).toBeNull();
  });
  it('ONEAR/n and PRE/n keep the order', () => {
    expect(highlights('guarantee ONEAR/3 returns', text)).toEqual(['guarantee', 'returns']);
    expect(highlights('returns ONEAR/3 guarantee', text)).toBeNull();
    expect(highlights('returns PRE/3 guarantee', 'returns a b guarantee')).toEqual(['returns', 'guarantee']);
    expect(highlights('returns PRE/2 guarantee', 'returns a b guarantee')).toBeNull();
  });
  it('measures from the end of a phrase', () => {
    expect(highlights('"big returns" NEAR/2 guaranteed', 'big returns are guaranteed')).toEqual(['big', 'returns', 'guaranteed']);
    expect(highlights('guaranteed NEAR/2 "big returns"', 'guaranteed a big returns')).toEqual(['guaranteed', 'big', 'returns']);
    expect(highlights('guaranteed NEAR/1 "big returns"', 'guaranteed a big returns')).toBeNull();
  });
  it('needs two distinct occurrences: one token is not near itself', () => {
    expect(highlights('guarant* NEAR/3 guarantee', 'I guarantee')).toBeNull();
    expect(highlights('guarant* NEAR/3 guarantee', 'guarantee, guarantee')).toEqual(['guarantee', 'guarantee']);
  });
  it('highlights every occurrence in a pair, never the words between', () => {
    expect(highlights('guarantee NEAR/3 returns', 'guarantee x returns returns and later returns')).toEqual(['guarantee', 'returns', 'returns']);
  });
  it('nests: the outer pair is made with the members of inner pairs', () => {
    const rule = '(guarantee NEAR/2 returns) NEAR/3 today';
    expect(highlights(rule, 'guarantee returns, today')).toEqual(['guarantee', 'returns', 'today']);
    expect(highlights(rule, 'today: a b c guarantee returns')).toBeNull();
    expect(highlights(rule, 'guarantee x returns, a today')).toEqual(['guarantee', 'returns', 'today']);
    expect(highlights(rule, 'guarantee x y returns, today')).toBeNull();
  });
  it('with OR operands', () => {
    expect(highlights('guarant* NEAR/3 (return* OR profit*)', 'profits guaranteed; returns')).toEqual(['profits', 'guaranteed', 'returns']);
  });
});

describe('exclusions', () => {
  const rule = { exclude: ['"not guaranteed"', 'guarantee NEAR/2 lunch'] };
  it('hide the tokens they are made of', () => {
    expect(highlights('guarantee*', 'Returns are not guaranteed.', rule)).toBeNull();
    expect(highlights('guarantee*', 'Guaranteed returns!', rule)).toEqual(['Guaranteed']);
    expect(highlights('guarantee*', 'I guarantee lunch is on me', rule)).toBeNull();
  });
  it('leave the other occurrences in play', () => {
    expect(highlights('guarantee*', 'Returns are not guaranteed, but I guaranteed him 10%', rule)).toEqual(['guaranteed']);
  });
  it('apply before proximity and AND', () => {
    expect(highlights('guarantee* NEAR/5 return*', 'returns are not guaranteed', rule)).toBeNull();
    expect(highlights('guarantee* AND return*', 'returns are not guaranteed', rule)).toBeNull();
    expect(highlights('guarantee* NEAR/5 return*', 'guaranteed returns', rule)).toEqual(['guaranteed', 'returns']);
  });
  it('differ from AND NOT, which vetoes the whole text', () => {
    expect(highlights('guarantee* AND NOT "not guaranteed"', 'Returns are not guaranteed, but I guaranteed him 10%')).toBeNull();
  });
});

describe('CJK', () => {
  it('matches a term as adjacent touching characters, one span', () => {
    expect(highlights('保证', '我保证收益')).toEqual(['保证']);
    expect(highlights('保证', '保 证')).toBeNull();
  });

  it('needs the characters to touch in the original text, not only to be consecutive tokens', () => {
    const body: NormalizedText = {
      normalizer: 'hand-made',
      language: 'zh',
      tokens: [
        { text: '保', kind: 'cjk', start: 0, end: 1 },
        { text: '证', kind: 'cjk', start: 2, end: 3 },
      ],
      tags: [],
    };
    const policy = policyOf({ match: '保证' });
    expect(matchPolicy(policy, { zones: { body }, context: CONTEXT }).hits).toEqual([]);
    body.tokens[1] = { text: '证', kind: 'cjk', start: 1, end: 2 };
    expect(matchPolicy(policy, { zones: { body }, context: CONTEXT }).hits).toEqual([{ ruleId: 'r1', zone: 'body', spans: [{ start: 0, end: 2 }] }]);
  });

  it('counts proximity in characters', () => {
    expect(highlights('保证 NEAR/2 收益', '保证高收益')).toEqual(['保证', '收益']);
    expect(highlights('保证 NEAR/1 收益', '保证高收益')).toBeNull();
  });

  it('keeps Simplified and Traditional apart (packs list both)', () => {
    expect(highlights('保证', '我保證')).toBeNull();
    expect(highlights('保证 OR 保證', '我保證')).toEqual(['保證']);
  });

  it('Japanese kana and mixed scripts', () => {
    expect(highlights('ボーナス', '特別ボーナスを保証します')).toEqual(['ボーナス']);
    expect(highlights('A股', '买A股')).toEqual(['A股']);
  });
});

describe('emoji', () => {
  it('are terms', () => {
    expect(highlights('👎 OR 😡', 'service was slow 😡 and rude 👎')).toEqual(['😡', '👎']);
    expect(highlights('☹️', 'meh ☹')).toEqual(['☹']);
  });
  it('whatever the skin tone, on either side', () => {
    expect(highlights('👎', 'no 👎🏽')).toEqual(['👎🏽']);
    expect(highlights('👎🏿', 'no 👎')).toEqual(['👎']);
  });
  it('combine with words', () => {
    expect(highlights('👎 NEAR/3 service', 'the service 👎👎')).toEqual(['service', '👎👎']);
  });
});

describe('tagged text (quoted, signatures, disclaimers)', () => {
  const text = 'Sure.\n> we guaranteed returns\nI guarantee it';
  const tags = [tagOf(text, '> we guaranteed returns')];
  it('is skipped by default', () => expect(highlights('guarantee*', text, { tags })).toEqual(['guarantee']));
  it('is matched when the rule says so', () => expect(highlights('guarantee*', text, { tags, includeTagged: true })).toEqual(['guaranteed', 'guarantee']));
  it('breaks phrases that would run into it', () => expect(highlights('"returns i guarantee"', text, { tags })).toBeNull());
  it('skips a token that only overlaps a tagged span', () => {
    const disclaimer = [{ kind: 'disclaimer' as const, start: text.indexOf('guarantee it') + 3, end: text.length }];
    expect(highlights('guarantee', text, { tags: [...tags, ...disclaimer] })).toBeNull();
  });
});

describe('matchPolicy', () => {
  const policy = policyOf(
    { match: 'guarant*', zones: ['body', 'subject', 'attachmentNames'] },
    { match: '"text me"', zones: ['transcript'] },
    { match: 'offline', zones: ['body'] },
  );
  const input = {
    zones: {
      body: tokenize('I guarantee it. Take it offline'),
      subject: tokenize('Guaranteed!'),
      attachmentNames: tokenize('guarantee.pdf'),
      transcript: tokenize('just text me'),
    },
    context: CONTEXT,
  };

  it('reports hits by rule, then zone in reading order, with original-text spans', () => {
    expect(matchPolicy(policy, input)).toEqual({
      inScope: true,
      hits: [
        { ruleId: 'r1', zone: 'subject', spans: [{ start: 0, end: 10 }] },
        { ruleId: 'r1', zone: 'body', spans: [{ start: 2, end: 11 }] },
        { ruleId: 'r1', zone: 'attachmentNames', spans: [{ start: 0, end: 9 }] },
        {
          ruleId: 'r2',
          zone: 'transcript',
          spans: [
            { start: 5, end: 9 },
            { start: 10, end: 12 },
          ],
        },
        { ruleId: 'r3', zone: 'body', spans: [{ start: 24, end: 31 }] },
      ],
    });
  });

  it('reads only the zones a rule names, and the default is subject and body', () => {
    const defaults = policyOf({ match: 'guarantee' });
    expect(matchPolicy(defaults, input).hits.map((h) => h.zone)).toEqual(['body']);
    expect(matchPolicy(defaults, { ...input, zones: { attachmentNames: input.zones.attachmentNames, transcript: tokenize('guarantee') } }).hits).toEqual([]);
  });

  it('gives the same result twice, for the same policy read twice', () => {
    const first = JSON.stringify(matchPolicy(policy, input));
    expect(JSON.stringify(matchPolicy(policy, input))).toBe(first);
    const reread = parsePolicy(JSON.stringify(policy), 'json');
    expect(JSON.stringify(matchPolicy(reread, input))).toBe(first);
  });

  it('does not screen a record out of scope', () => {
    const scoped = parsePolicy(JSON.stringify({ ...policy, scope: { channels: ['sms'] } }), 'json');
    expect(matchPolicy(scoped, input)).toEqual({ inScope: false, hits: [] });
    expect(matchPolicy(scoped, { ...input, context: { ...CONTEXT, channel: 'sms' } }).hits).toHaveLength(5);
  });

  it('handles empty zones', () => {
    expect(matchPolicy(policy, { zones: { body: tokenize('') }, context: CONTEXT })).toEqual({ inScope: true, hits: [] });
  });
});
