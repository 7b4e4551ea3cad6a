import type { TextNode } from '../text-query';
import { stem } from '../stem';
import { FULL_TEXT_FIELDS, STEMMED_FIELDS } from './mappings';

/**
 * The OpenSearch query for a parsed search text (text-query.ts). Tokens come analyzed already, by
 * the analyzer the embedded index shares (the tokens OpenSearch's `standard` analyzer produces), so
 * they are matched as terms, never analyzed a second time: both adapters look for the same tokens.
 * A token matches in the subject or the text (either field, as FTS5's `{subject message}`); a
 * word's tokens are all required, each by its stem in either field's stems (cross_fields); a phrase
 * is its tokens adjacent and in order within one field; a prefix is a prefix of one token.
 */
export function textQuery(n: TextNode): Record<string, unknown> {
  switch (n.op) {
    case 'word':
      return n.tokens.length === 1
        ? inEither(STEMMED_FIELDS, (f) => ({ term: { [f]: stem(n.tokens[0]) } }))
        : { bool: { must: n.tokens.map((t) => textQuery({ op: 'word', tokens: [t] })) } };
    case 'prefix':
      return inEither(FULL_TEXT_FIELDS, (f) => ({ prefix: { [f]: n.token } }));
    case 'phrase':
      return inEither(FULL_TEXT_FIELDS, (f) => ({ span_near: { clauses: n.tokens.map((t) => ({ span_term: { [f]: t } })), slop: 0, in_order: true } }));
    case 'and':
      return { bool: { must: n.must.map(textQuery), ...(n.not.length > 0 && { must_not: n.not.map(textQuery) }) } };
    case 'or':
      return { bool: { should: n.any.map(textQuery), minimum_should_match: 1 } };
  }
}

function inEither(fields: readonly string[], clause: (field: string) => Record<string, unknown>): Record<string, unknown> {
  return { bool: { should: fields.map(clause), minimum_should_match: 1 } };
}
