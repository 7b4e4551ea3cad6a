import { tokenize } from './embedded/analyzer';

/**
 * The `text` of a search, as reviewers write it: words (every one must occur, in the subject or the
 * text), `"phrases in quotes"`, prefixes `acm*`, `AND` (also implied between operands), `OR`, `NOT`,
 * and parentheses; operators are upper case, so "and" / "or" / "not" in lower case are words.
 * NOT excludes; it needs a positive operand beside it (`fund NOT bond`), because "everything except"
 * is not a search a reviewer can page through. Precedence: NOT, then AND, then OR.
 *
 * Parsed once into a tree that each index adapter translates (FTS5 MATCH, OpenSearch bool), so both
 * match the same records. Words are analyzed as the index analyzes text (analyzer.ts): a word that
 * yields several tokens (`e-mail`) needs them all, one that yields none (`!!`) is dropped.
 */
export type TextNode =
  | { op: 'word'; tokens: string[] }
  | { op: 'prefix'; token: string }
  | { op: 'phrase'; tokens: string[] }
  | { op: 'and'; must: TextNode[]; not: TextNode[] }
  | { op: 'or'; any: TextNode[] };

const MAX_DEPTH = 16;
const MAX_OPERANDS = 64;

export class TextQueryError extends Error {}

/** The query's tree; null when nothing in it can match (no token at all). Throws TextQueryError for bad syntax. */
export function parseTextQuery(text: string): TextNode | null {
  const p = new Parser(lex(text));
  const tree = p.or(0);
  if (p.peek() !== undefined) throw new TextQueryError(`unexpected ${describe(p.peek()!)}`);
  if (p.operands > MAX_OPERANDS) throw new TextQueryError(`at most ${MAX_OPERANDS} words, phrases and prefixes`);
  return tree;
}

type Lexeme = { kind: 'word'; text: string } | { kind: 'phrase'; text: string } | { kind: 'open' } | { kind: 'close' } | { kind: 'AND' | 'OR' | 'NOT' };

function lex(text: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/u.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ kind: ch === '(' ? 'open' : 'close' });
      i++;
    } else if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) throw new TextQueryError('a phrase is missing its closing quote');
      out.push({ kind: 'phrase', text: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/[\s()"]/u.test(text[end])) end++;
      const word = text.slice(i, end);
      out.push(word === 'AND' || word === 'OR' || word === 'NOT' ? { kind: word } : { kind: 'word', text: word });
      i = end;
    }
  }
  return out;
}

function describe(l: Lexeme): string {
  return l.kind === 'open' ? '"("' : l.kind === 'close' ? '")"' : l.kind === 'word' || l.kind === 'phrase' ? `"${l.text}"` : l.kind;
}

class Parser {
  private at = 0;
  operands = 0;

  constructor(private readonly lexemes: Lexeme[]) {}

  peek(): Lexeme | undefined {
    return this.lexemes[this.at];
  }

  /** or := and (OR and)* */
  or(depth: number): TextNode | null {
    if (depth > MAX_DEPTH) throw new TextQueryError(`parentheses nested deeper than ${MAX_DEPTH}`);
    const any = [this.and(depth)];
    while (this.peek()?.kind === 'OR') {
      this.at++;
      const next = this.peek();
      if (next === undefined || next.kind === 'OR' || next.kind === 'close' || next.kind === 'AND') throw new TextQueryError('OR needs an operand after it');
      any.push(this.and(depth));
    }
    const kept = any.filter((n): n is TextNode => n !== null);
    return kept.length === 0 ? null : kept.length === 1 ? kept[0] : { op: 'or', any: kept };
  }

  /** and := unary ((AND)? unary)* — at least one of them positive */
  private and(depth: number): TextNode | null {
    const must: Array<TextNode | null> = [];
    const not: Array<TextNode | null> = [];
    for (;;) {
      const next = this.peek();
      if (next === undefined || next.kind === 'OR' || next.kind === 'close') break;
      if (next.kind === 'AND') {
        if (must.length + not.length === 0) throw new TextQueryError('AND needs an operand before it');
        this.at++;
        if (this.peek() === undefined || this.peek()!.kind === 'OR' || this.peek()!.kind === 'close' || this.peek()!.kind === 'AND')
          throw new TextQueryError('AND needs an operand after it');
        continue;
      }
      if (next.kind === 'NOT') {
        this.at++;
        const operand = this.peek();
        if (operand === undefined || operand.kind === 'OR' || operand.kind === 'close' || operand.kind === 'AND' || operand.kind === 'NOT')
          throw new TextQueryError('NOT needs an operand after it');
        not.push(this.primary(depth));
        continue;
      }
      must.push(this.primary(depth));
    }
    if (must.length + not.length === 0) throw new TextQueryError(this.peek() === undefined ? 'the query is empty' : `nothing before ${describe(this.peek()!)}`);
    if (must.length === 0) throw new TextQueryError('NOT needs a positive operand beside it, e.g. `fund NOT bond`');
    const keptMust = must.filter((n): n is TextNode => n !== null);
    const keptNot = not.filter((n): n is TextNode => n !== null);
    // a group whose positive operands all analyze to nothing matches nothing
    if (keptMust.length < must.length && keptMust.length === 0) return null;
    if (keptMust.length === 1 && keptNot.length === 0) return keptMust[0];
    if (keptMust.length === 0) return null;
    return { op: 'and', must: keptMust, not: keptNot };
  }

  /** primary := ( or ) | "phrase" | word | word* */
  private primary(depth: number): TextNode | null {
    const l = this.lexemes[this.at++];
    if (l.kind === 'open') {
      const inner = this.or(depth + 1);
      if (this.lexemes[this.at++]?.kind !== 'close') throw new TextQueryError('a "(" is not closed');
      return inner;
    }
    if (l.kind === 'close') throw new TextQueryError('a ")" closes nothing');
    this.operands++;
    if (l.kind === 'phrase') {
      const tokens = tokenize(l.text);
      return tokens.length === 0 ? null : tokens.length === 1 ? { op: 'word', tokens } : { op: 'phrase', tokens };
    }
    if (l.kind !== 'word') throw new TextQueryError(`unexpected ${describe(l)}`);
    if (l.text.endsWith('*')) {
      const stem = l.text.replace(/\*+$/u, '');
      const tokens = tokenize(stem);
      if (tokens.length !== 1 || stem.includes('*')) throw new TextQueryError(`a prefix is one word followed by *: "${l.text}"`);
      return { op: 'prefix', token: tokens[0] };
    }
    const tokens = [...new Set(tokenize(l.text))];
    return tokens.length === 0 ? null : { op: 'word', tokens };
  }
}
