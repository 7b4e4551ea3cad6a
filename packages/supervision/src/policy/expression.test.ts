import { ExpressionError, parseExpression, normalizeTermText, type Expression } from './index';

/** The AST without positions, terms shown as their pieces: what the tests compare. */
function shape(node: Expression): unknown {
  switch (node.kind) {
    case 'sequence':
      return node.pieces
        .map(
          (p, i) =>
            (i === 0 ? '' : node.links[i - 1] === 'touching' ? '+' : ' ') + (p.kind === 'exact' ? p.text : `${p.pattern.anchor}:${p.pattern.units.join('')}`),
        )
        .join('');
    case 'or':
      return { or: node.operands.map(shape) };
    case 'and':
      return node.absent.length ? { and: node.operands.map(shape), not: node.absent.map(shape) } : { and: node.operands.map(shape) };
    case 'proximity':
      return { [`${node.ordered ? 'ordered' : 'near'}/${node.distance}`]: [shape(node.left), shape(node.right)] };
  }
}

const parsed = (text: string) => shape(parseExpression(text));

function errorOf(text: string): string {
  try {
    parseExpression(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return (err as ExpressionError).message;
  }
  throw new Error(`"${text}" parsed`);
}

describe('match expression: what parses', () => {
  it.each([
    ['guarantee', 'guarantee'],
    ['GUARANTEE', 'guarantee'],
    ['"Text me"', 'text me'],
    ['"text  me\ton\nmy personal"', 'text me on my personal'],
    ['保证', '保+证'],
    ['"保证 收益"', '保+证 收+益'],
    ['A股', 'a+股'],
    ['ボーナス', 'ボ+ー+ナ+ス'],
    ['👎', '👎'],
    ['👎🏽', '👎'],
    ['🏽', '🏽'],
    ['👍🏻👎🏿', '👍+👎'],
    ['보장', '보+장'],
    ['☹️', '☹'],
    ['👨‍💻', '👨‍💻'],
    ['🇺🇸', '🇺🇸'],
    ['😡😡', '😡+😡'],
    ['great👍', 'great+👍'],
    ['guarant*', 'prefix:guarant'],
    ['*ment', 'suffix:ment'],
    ['gu?rantee', 'whole:gu?rantee'],
    ['"guarant* returns"', 'prefix:guarant returns'],
    ['ＧＵＡＲＡＮＴ＊', 'prefix:guarant'],
  ])('%s', (text, expected) => expect(parsed(text)).toBe(expected));

  it('binds NEAR tighter than AND, and AND tighter than OR', () => {
    expect(parsed('a OR b AND c')).toEqual({ or: ['a', { and: ['b', 'c'] }] });
    expect(parsed('a AND b NEAR/3 c OR d')).toEqual({ or: [{ and: ['a', { 'near/3': ['b', 'c'] }] }, 'd'] });
    expect(parsed('(a OR b) NEAR/5 c')).toEqual({ 'near/5': [{ or: ['a', 'b'] }, 'c'] });
  });

  it('chains proximity left to right; ONEAR and PRE are ordered', () => {
    expect(parsed('a NEAR/3 b PRE/2 c')).toEqual({ 'ordered/2': [{ 'near/3': ['a', 'b'] }, 'c'] });
    expect(parsed('a ONEAR/1 b')).toEqual({ 'ordered/1': ['a', 'b'] });
    expect(parsed('a NEAR/50 b')).toEqual({ 'near/50': ['a', 'b'] });
  });

  it('keeps NOT operands of an AND apart', () => {
    expect(parsed('guarantee* AND NOT "not guaranteed"')).toEqual({ and: ['prefix:guarantee'], not: ['not guaranteed'] });
    expect(parsed('NOT unsubscribe AND a AND b')).toEqual({ and: ['a', 'b'], not: ['unsubscribe'] });
    expect(parsed('a AND NOT (b OR c)')).toEqual({ and: ['a'], not: [{ or: ['b', 'c'] }] });
  });

  it('accepts 200 terms, 20 levels of parentheses and 20 of operators', () => {
    expect(() => parseExpression(Array(200).fill('a').join(' OR '))).not.toThrow();
    expect(() => parseExpression(`${'('.repeat(20)}a${')'.repeat(20)}`)).not.toThrow();
    expect(() => parseExpression(Array(21).fill('a').join(' NEAR/1 '))).not.toThrow();
  });
});

describe('match expression: what is refused, and where', () => {
  it.each([
    ['', 'empty expression'],
    [' \n ', 'empty expression'],
    ['a NEAR b', 'NEAR needs a distance 1–50 (character 3)'],
    ['a NEAR/0 b', 'NEAR needs a distance 1–50 (character 3)'],
    ['a NEAR/51 b', 'NEAR needs a distance 1–50 (character 3)'],
    ['a PRE/05 b', 'PRE needs a distance 1–50 (character 3)'],
    ['a ONEAR/x b', 'ONEAR needs a distance 1–50 (character 3)'],
    ['guaranteed returns', 'missing operator (AND, OR, NEAR/n, ONEAR/n or PRE/n) before "returns" (character 12)'],
    ['(a) (b)', 'missing operator (AND, OR, NEAR/n, ONEAR/n or PRE/n) before "(" (character 5)'],
    ['a and b', 'operators are upper-case: write AND, or "and" in quotes to search for the word (character 3)'],
    ['a Or b', 'operators are upper-case: write OR, or "Or" in quotes to search for the word (character 3)'],
    ['a near/3 b', 'operators are upper-case: write NEAR/3 (character 3)'],
    ['a AND', 'expected a term, a phrase or "(" after AND, found the end (character 6)'],
    ['AND a', 'expected a term, a phrase or "(" after the start, found AND (character 1)'],
    ['a OR OR b', 'expected a term, a phrase or "(" after OR, found OR (character 6)'],
    ['a NEAR/2 )', 'expected a term, a phrase or "(" after NEAR/2, found ")" (character 10)'],
    ['()', 'expected a term, a phrase or "(" after "(", found ")" (character 2)'],
    ['(a OR b', 'unclosed parenthesis (character 1)'],
    ['a)', 'unexpected ")" (character 2)'],
    ['x "text me', 'unclosed quote (character 3)'],
    ['" "', 'empty phrase (character 1)'],
    ['NOT a', 'NOT needs a positive side: write A AND NOT B (character 1)'],
    ['a OR NOT b', 'NOT needs a positive side: write A AND NOT B (character 6)'],
    ['NOT a AND NOT b', 'NOT needs a positive side: write A AND NOT B (character 1)'],
    ['a NOT b', 'NOT needs AND before it: write A AND NOT B (character 3)'],
    ['a AND NOT NOT b', 'expected a term, a phrase or "(" after NOT, found NOT (character 11)'],
    ['risk-free', '"-" cannot stand in a term (letters, digits, emoji and CJK characters only): "risk-free" (character 1)'],
    ['a OR 100%', '"%" cannot stand in a term (letters, digits, emoji and CJK characters only): "100%" (character 6)'],
    ['"text me!"', '"!" cannot stand in a term (letters, digits, emoji and CJK characters only): "me!" (character 7)'],
    ['a\u200bb', 'U+200B cannot stand in a term (letters, digits, emoji and CJK characters only): "a\u200bb" (character 1)'],
    ['保证。', 'U+3002 cannot stand in a term (letters, digits, emoji and CJK characters only): "保证。" (character 1)'],
    ['バフェット・ファンド', 'U+30FB cannot stand in a term (letters, digits, emoji and CJK characters only): "バフェット・ファンド" (character 1)'],
    ['gu*ran*', '"*" stands once, at the start or at the end of a term: "gu*ran*" (character 1)'],
    ['gu*tee', '"*" stands once, at the start or at the end of a term: "gu*tee" (character 1)'],
    ['*guarant*', '"*" stands once, at the start or at the end of a term: "*guarant*" (character 1)'],
    ['gu*', 'a wildcard term needs at least 3 characters besides * and ?: "gu*" (character 1)'],
    ['???', 'a wildcard term needs at least 3 characters besides * and ?: "???" (character 1)'],
    ['保*', 'wildcards apply to one word, not to CJK characters or emoji: "保*" (character 1)'],
    ['\ufe0f', '"\ufe0f" has no letters, digits, emoji or CJK characters (character 1)'],
  ])('%j', (text, message) => expect(errorOf(text)).toBe(message));

  it.each([
    ['a 65-character term', 'a'.repeat(65), 'a term is at most 64 characters (character 1)'],
    ['2001 characters', 'a'.repeat(2001), 'an expression is at most 2000 characters'],
    ['201 terms', Array(201).fill('a').join(' OR '), 'more than 200 terms (character 1001)'],
    ['a phrase of 201 words', `"${Array(201).fill('a').join(' ')}"`, 'more than 200 terms (character 402)'],
    ['21 levels of parentheses', `${'('.repeat(21)}a${')'.repeat(21)}`, 'parentheses nest deeper than 20 levels (character 21)'],
    ['a chain of 21 proximity operators', Array(22).fill('a').join(' NEAR/1 '), 'operators nest deeper than 20 levels (character 183)'],
    [
      '21 levels of operators',
      Array.from({ length: 21 })
        .reduce<string>((inner) => `(a OR ${inner})`, 'b')
        .slice(1, -1),
      'operators nest deeper than 20 levels (character 3)',
    ],
  ])('limit: %s', (_name, text, message) => expect(errorOf(text)).toBe(message));

  it('says where, for the console to put a caret there', () => {
    const err = (() => {
      try {
        parseExpression('a AND b NEAR/99 c');
      } catch (e) {
        return e as ExpressionError;
      }
    })();
    expect(err).toMatchObject({ code: 'policy_expression_invalid', status: 400, position: 8, reason: 'NEAR needs a distance 1–50' });
  });
});

describe('term normalization (pins the engine behaviour the matcher relies on)', () => {
  it.each([
    ['ＧＵＡＲＡＮＴＥＥ', 'guarantee'], // full-width Latin
    ['ﬁnancial', 'financial'], // ligature
    ['ｶﾞｲﾄﾞ', 'ガイド'], // half-width katakana with voiced marks
    ['e\u0301', '\u00e9'], // combining accent composed
    ['ÉLÈVE', 'élève'],
    ['保證', '保證'], // Traditional characters stay Traditional: packs list both scripts
    ['①', '1'],
    ['☹️', '☹'], // emoji presentation selector dropped
    ['Straße', 'strasse'], // full case folding, as the normalizer folds tokens
    ['STRAẞE', 'strasse'],
    ['ΟΔΟΣ', 'οδοσ'], // toLowerCase would pick the final ς at a word end; folded to σ
    ['οδος', 'οδοσ'],
    ['İSTANBUL', 'istanbul'], // toLowerCase alone gives i + U+0307
    ['ıSPARTA', 'isparta'],
  ])('%s → %s', (raw, normalized) => expect(normalizeTermText(raw)).toBe(normalized));
});
