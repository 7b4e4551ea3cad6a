import { ExpressionError } from './error';
import { isTermSeparator } from './characters';

export const PROXIMITY_LIMITS = { minDistance: 1, maxDistance: 50 } as const;

export type Lexeme =
  | { type: 'term'; text: string; at: number }
  /** `at` is the opening quote; the phrase's text starts at at + 1. */
  | { type: 'phrase'; text: string; at: number }
  | { type: 'open' | 'close' | 'and' | 'or' | 'not' | 'end'; at: number }
  | { type: 'proximity'; name: string; ordered: boolean; distance: number; at: number };

const KEYWORDS = { AND: 'and', OR: 'or', NOT: 'not' } as const;
const PROXIMITY = /^(NEAR|ONEAR|PRE)(?:\/(.*))?$/;
/** A lower-case operator is far more likely a slip than a search for the word "and": refused, with the fix. */
const MISCASED_BOOLEAN = /^(and|or|not)$/i;
const MISCASED_PROXIMITY = /^(near|onear|pre)\/\d+$/i;

/** Splits an expression into terms, phrases, parentheses and operators. Operators are upper-case words. */
export function lex(expression: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (isTermSeparator(c)) i++;
    else if (c === '(' || c === ')') lexemes.push({ type: c === '(' ? 'open' : 'close', at: i++ });
    else if (c === '"') {
      const close = expression.indexOf('"', i + 1);
      if (close < 0) throw new ExpressionError('unclosed quote', i);
      lexemes.push({ type: 'phrase', text: expression.slice(i + 1, close), at: i });
      i = close + 1;
    } else {
      let end = i;
      while (end < expression.length && !isTermSeparator(expression[end]) && !'()"'.includes(expression[end])) end++;
      lexemes.push(word(expression.slice(i, end), i));
      i = end;
    }
  }
  lexemes.push({ type: 'end', at: expression.length });
  return lexemes;
}

function word(text: string, at: number): Lexeme {
  if (Object.hasOwn(KEYWORDS, text)) return { type: KEYWORDS[text as keyof typeof KEYWORDS], at };
  const proximity = PROXIMITY.exec(text);
  if (proximity) {
    const [, name, distance] = proximity;
    const n = distance !== undefined && /^[1-9]\d?$/.test(distance) ? Number(distance) : NaN;
    if (!(n >= PROXIMITY_LIMITS.minDistance && n <= PROXIMITY_LIMITS.maxDistance))
      throw new ExpressionError(`${name} needs a distance ${PROXIMITY_LIMITS.minDistance}–${PROXIMITY_LIMITS.maxDistance}`, at);
    return { type: 'proximity', name, ordered: name !== 'NEAR', distance: n, at };
  }
  if (MISCASED_BOOLEAN.test(text))
    throw new ExpressionError(`operators are upper-case: write ${text.toUpperCase()}, or "${text}" in quotes to search for the word`, at);
  if (MISCASED_PROXIMITY.test(text)) throw new ExpressionError(`operators are upper-case: write ${text.toUpperCase()}`, at);
  return { type: 'term', text, at };
}
