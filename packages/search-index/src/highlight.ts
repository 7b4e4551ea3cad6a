import { tokenSpans } from './embedded/analyzer';
import { stem } from './stem';
import type { TextNode } from './text-query';

/** Where a hit's text matched: [start, end) UTF-16 offsets into that field, in order. */
export type Highlights = Partial<Record<'subject' | 'text', Array<[number, number]>>>;

/**
 * The matched terms of a hit, marked as offsets rather than markup (a client renders them; vendor
 * text never travels as HTML). Computed from the parsed query and the hit's own fields with the
 * index's analyzer, so both adapters highlight the same words: every token with the stem of a
 * positive word, every token of a positive phrase, every token a prefix starts; nothing under NOT.
 */
export function highlight(tree: TextNode, fields: { subject?: string; text?: string }): Highlights {
  const tokens = new Set<string>();
  const stems = new Set<string>();
  const prefixes: string[] = [];
  const collect = (n: TextNode): void => {
    if (n.op === 'word') n.tokens.forEach((t) => stems.add(stem(t)));
    else if (n.op === 'phrase') n.tokens.forEach((t) => tokens.add(t));
    else if (n.op === 'prefix') prefixes.push(n.token);
    else if (n.op === 'and') n.must.forEach(collect);
    else n.any.forEach(collect);
  };
  collect(tree);
  const out: Highlights = {};
  for (const field of ['subject', 'text'] as const) {
    const value = fields[field];
    if (!value) continue;
    const spans = tokenSpans(value)
      .filter((s) => tokens.has(s.token) || stems.has(stem(s.token)) || prefixes.some((p) => s.token.startsWith(p)))
      .map((s): [number, number] => [s.start, s.end]);
    if (spans.length > 0) out[field] = spans;
  }
  return out;
}
