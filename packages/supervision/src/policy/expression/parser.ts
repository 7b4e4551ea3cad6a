import type { Expression, Link, Piece, SequenceNode } from './ast';
import { isTermSeparator } from './characters';
import { ExpressionError } from './error';
import { lex, type Lexeme } from './lexer';
import { compileTerm } from './term';

/** Bounds on what an expression may ask of the matcher: hostile or careless input stays cheap to compile and run. */
export const EXPRESSION_LIMITS = { maxLength: 2000, maxTerms: 200, maxNesting: 20 } as const;

/**
 * Compiles a match expression. Grammar, loosest binding first (operators are upper-case words):
 *
 *   expression := and ( "OR" and )*
 *   and        := unary ( "AND" unary )*            at least one operand without NOT
 *   unary      := "NOT" proximity | proximity
 *   proximity  := primary ( ("NEAR/n" | "ONEAR/n" | "PRE/n") primary )*     left to right
 *   primary    := term | '"' phrase '"' | "(" expression ")"
 *
 * There is no implicit operator: `guaranteed returns` is refused (a phrase or an AND was meant,
 * and guessing which would change what the policy flags).
 */
export function parseExpression(expression: string): Expression {
  if (expression.length > EXPRESSION_LIMITS.maxLength) throw new ExpressionError(`an expression is at most ${EXPRESSION_LIMITS.maxLength} characters`);
  const lexemes = lex(expression);
  if (lexemes.length === 1) throw new ExpressionError('empty expression');
  return new Parser(lexemes).parse();
}

class Parser {
  private next = 0;
  private terms = 0;
  private nesting = 0;
  /** Operator depth of each node built: a chain of proximity operators nests as deep as parentheses do. */
  private readonly depths = new Map<Expression, number>();
  constructor(private readonly lexemes: readonly Lexeme[]) {}

  parse(): Expression {
    const expression = this.or();
    const rest = this.peek();
    if (rest.type !== 'end') throw misplaced(rest);
    return expression;
  }

  private or(): Expression {
    const operands = [this.and()];
    let at = -1;
    while (this.peek().type === 'or') {
      const operator = this.take();
      if (at < 0) at = operator.at;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0] : this.operator({ kind: 'or', at, operands }, operands);
  }

  private and(): Expression {
    const operands: Expression[] = [];
    const absent: Expression[] = [];
    let firstNot: number | undefined;
    let at = -1;
    let after = this.next === 0 ? 'the start' : describe(this.lexemes[this.next - 1]);
    for (;;) {
      if (this.peek().type === 'not') {
        firstNot ??= this.peek().at;
        this.take();
        absent.push(this.proximity('NOT'));
      } else operands.push(this.proximity(after));
      if (this.peek().type !== 'and') break;
      const operator = this.take();
      if (at < 0) at = operator.at;
      after = 'AND';
    }
    if (operands.length === 0) throw new ExpressionError('NOT needs a positive side: write A AND NOT B', firstNot);
    return absent.length === 0 && operands.length === 1 ? operands[0] : this.operator({ kind: 'and', at, operands, absent }, [...operands, ...absent]);
  }

  private proximity(after: string): Expression {
    let left = this.primary(after);
    for (let operator = this.peek(); operator.type === 'proximity'; operator = this.peek()) {
      this.take();
      const right = this.primary(describe(operator));
      left = this.operator({ kind: 'proximity', at: operator.at, ordered: operator.ordered, distance: operator.distance, left, right }, [left, right]);
    }
    return left;
  }

  private primary(after: string): Expression {
    const lexeme = this.take();
    if (lexeme.type === 'term') return this.sequence(lexeme.text, [{ text: lexeme.text, at: lexeme.at }], lexeme.at);
    if (lexeme.type === 'phrase') {
      const words = splitWords(lexeme.text, lexeme.at + 1);
      if (words.length === 0) throw new ExpressionError('empty phrase', lexeme.at);
      return this.sequence(lexeme.text, words, lexeme.at);
    }
    if (lexeme.type !== 'open') throw new ExpressionError(`expected a term, a phrase or "(" after ${after}, found ${describe(lexeme)}`, lexeme.at);
    if (++this.nesting > EXPRESSION_LIMITS.maxNesting)
      throw new ExpressionError(`parentheses nest deeper than ${EXPRESSION_LIMITS.maxNesting} levels`, lexeme.at);
    const inner = this.or();
    const close = this.take();
    if (close.type === 'end') throw new ExpressionError('unclosed parenthesis', lexeme.at);
    if (close.type !== 'close') throw misplaced(close);
    this.nesting--;
    return inner;
  }

  /** A term or phrase: each word's pieces touch one another, consecutive words are consecutive tokens. */
  private sequence(source: string, words: ReadonlyArray<{ text: string; at: number }>, at: number): SequenceNode {
    const pieces: Piece[] = [];
    const links: Link[] = [];
    for (const word of words) {
      if (++this.terms > EXPRESSION_LIMITS.maxTerms) throw new ExpressionError(`more than ${EXPRESSION_LIMITS.maxTerms} terms`, word.at);
      const compiled = compileTerm(word.text, word.at);
      if (pieces.length > 0) links.push('next');
      pieces.push(...compiled.pieces);
      links.push(...compiled.links);
    }
    return { kind: 'sequence', at, source, pieces, links };
  }

  private operator(node: Expression, operands: readonly Expression[]): Expression {
    const depth = 1 + Math.max(...operands.map((operand) => this.depths.get(operand) ?? 0));
    if (depth > EXPRESSION_LIMITS.maxNesting) throw new ExpressionError(`operators nest deeper than ${EXPRESSION_LIMITS.maxNesting} levels`, node.at);
    this.depths.set(node, depth);
    return node;
  }

  private peek(): Lexeme {
    return this.lexemes[this.next];
  }

  /** The 'end' lexeme is never consumed, so peek and take never run past the array. */
  private take(): Lexeme {
    const lexeme = this.lexemes[this.next];
    if (lexeme.type !== 'end') this.next++;
    return lexeme;
  }
}

/** What stands where an operator, ")" or the end was expected. */
function misplaced(lexeme: Lexeme): ExpressionError {
  if (lexeme.type === 'not') return new ExpressionError('NOT needs AND before it: write A AND NOT B', lexeme.at);
  if (lexeme.type === 'close') return new ExpressionError('unexpected ")"', lexeme.at);
  return new ExpressionError(`missing operator (AND, OR, NEAR/n, ONEAR/n or PRE/n) before ${describe(lexeme)}`, lexeme.at);
}

function describe(lexeme: Lexeme): string {
  switch (lexeme.type) {
    case 'term':
    case 'phrase':
      return `"${lexeme.text}"`;
    case 'proximity':
      return `${lexeme.name}/${lexeme.distance}`;
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'end':
      return 'the end';
    default:
      return lexeme.type.toUpperCase();
  }
}

function splitWords(text: string, offset: number): Array<{ text: string; at: number }> {
  const words: Array<{ text: string; at: number }> = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const separator = i === text.length || isTermSeparator(text[i]);
    if (!separator && start < 0) start = i;
    if (separator && start >= 0) {
      words.push({ text: text.slice(start, i), at: offset + start });
      start = -1;
    }
  }
  return words;
}
