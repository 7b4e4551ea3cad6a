import type { NormalizedText } from '../text';
import { matchPolicy, parsePolicy, type MatchContext, type Policy } from './index';
import { tokenize } from './tokenize.test-support';

const CONTEXT: MatchContext = { employeeIds: [], groups: [], channel: 'email', direction: 'outbound', externalParticipants: [] };

/** A fixed pseudo-random sequence (an LCG): the same text on every run and machine. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** About `size` characters of words from a 3,000-word vocabulary, the policy's words among them, and a hit every 1,000 words. */
function englishLike(size: number, seed: number): string {
  const next = random(seed);
  const syllables = ['ta', 're', 'mon', 'ex', 'li', 'cor', 'pen', 'du', 'san', 'vi', 'lo', 'ment', 'ing', 'al', 'ber', 'qui'];
  const vocabulary = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => syllables[Math.floor(next() * 16)]).join(''));
  vocabulary.push('guaranteed', 'returns', 'text', 'me', 'offline', 'delete', 'this', 'not', 'profit', 'promise', 'whatsapp');
  const words: string[] = [];
  for (let length = 0; length < size;) {
    const word = words.length % 1000 === 999 ? 'we guaranteed returns so text me' : vocabulary[Math.floor(next() * vocabulary.length)];
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

/** 40 rules, 200 terms: words, wildcards, phrases, proximity, AND NOT, exclusions. */
function bigPolicy(): Policy {
  const rules = Array.from({ length: 40 }, (_, i) => ({
    id: `rule-${i}`,
    description: 'generated',
    match: [`guarant${i}* NEAR/5 (return* OR profit)`, `"text me" OR whatsapp${i}`, `promise${i} AND NOT unsubscribe`, `*ment${i} ONEAR/3 offline`][i % 4],
    exclude: i % 2 === 0 ? ['"not guaranteed"'] : [],
  }));
  rules[0].match = 'guarant* NEAR/5 (return* OR profit)';
  rules[1].match = '"delete this" OR "text me"';
  return parsePolicy(JSON.stringify({ format: 'custody.policy/v1', id: 'big', name: 'Big', severity: 'high', rules }), 'json');
}

const screen = (policy: Policy, body: NormalizedText) => matchPolicy(policy, { zones: { body }, context: CONTEXT });

/**
 * Large bodies and hostile expressions are screened to an answer. How fast is the bench's to
 * measure, not a timed assertion's: the matcher's worst case is linear (every term's occurrences
 * once per operator), so an exponential blow-up would not finish within jest's limit at all.
 */
describe('a large body against a large policy', () => {
  it('a 100 KB body, a 200-term policy: the planted hits are found', () => {
    const body = tokenize(englishLike(100_000, 7));
    expect(body.tokens.length).toBeGreaterThan(10_000);
    const hits = screen(bigPolicy(), body).hits;
    // a "we guaranteed returns so text me" every 1,000 words: rule-0's proximity and rule-1's phrase
    expect(hits.map((h) => h.ruleId)).toEqual(expect.arrayContaining(['rule-0', 'rule-1']));
    expect(hits.find((h) => h.ruleId === 'rule-1')!.spans.length).toBeGreaterThanOrEqual(15);
  });
});

describe('adversarial input is screened to an answer', () => {
  const repetitive = tokenize('a '.repeat(50_000));
  const single = (match: string) =>
    parsePolicy(JSON.stringify({ format: 'custody.policy/v1', id: 'p', name: 'P', severity: 'low', rules: [{ id: 'r', description: 'd', match }] }), 'json');

  it.each([
    ['proximity nested 20 deep', Array.from({ length: 20 }).reduce<string>((inner) => `(a NEAR/50 ${inner})`, 'a')],
    ['a chain of 20 proximity operators', Array(21).fill('a').join(' NEAR/50 ')],
    ['200 ANDs of one term', Array(200).fill('a').join(' AND ')],
    ['a phrase of 200 words', `"${Array(200).fill('a').join(' ')}"`],
    ['100 different proximity pairs', Array.from({ length: 100 }, (_, i) => `(a NEAR/${1 + (i % 50)} a)`).join(' OR ')],
  ])('%s over 50,000 identical tokens', (_what, match) => {
    expect(screen(single(match), repetitive).hits).toHaveLength(1);
  });

  it('200 wildcards over 20,000 distinct words', () => {
    const next = random(3);
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}${Math.floor(next() * 1e6).toString(36)}`);
    const body = tokenize(words.join(' '));
    const match = Array.from({ length: 200 }, (_, i) => (i % 2 ? `w${i.toString(36).padStart(2, '0')}?*` : `*${i.toString(36)}zz`)).join(' OR ');
    // the same wildcards as regular expressions, word by word: the matcher finds exactly those words
    const patterns = match.split(' OR ').map((p) => new RegExp(`^${p.replace(/\?/g, '.').replace(/\*/g, '.*')}$`));
    const expected = words.filter((w) => patterns.some((p) => p.test(w))).length;
    expect(expected).toBeGreaterThan(0);
    expect(screen(single(match), body).hits[0]?.spans.length).toBe(expected);
  });

  it('a 100 KB single token', () => {
    const body = tokenize(`guarant${'e'.repeat(100_000)} returns`);
    expect(screen(single('guarant* NEAR/1 returns'), body).hits).toHaveLength(1);
  });
});
