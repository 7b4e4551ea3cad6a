import type { TextNode } from '../text-query';
import { stem } from '../stem';
import { tokenize } from './analyzer';

/**
 * What the FTS5 table indexes: the standard analyzer's tokens (analyzer.ts, the tokens OpenSearch's
 * `standard` analyzer produces), each written as one ASCII word `t<tenant key>x<hex of its UTF-8
 * bytes>` and tokenized by FTS5's `ascii` tokenizer, which splits on the spaces between them and
 * changes nothing else. So FTS5 matches exactly the tokens OpenSearch matches (no second tokenizer
 * with its own idea of a word), and keeps each token's position (phrases). A byte prefix of a token is
 * a prefix of its hex, so `"<encoded prefix>" *` is a prefix query. The tenant key in every token
 * gives each tenant postings of its own: a MATCH for one tenant cannot reach another tenant's
 * documents, and a word common in one tenant costs nothing in the others.
 */
export function encodeTokens(tenantKey: number, text: string | undefined, stemmed = false): string {
  return text
    ? tokenize(text)
        .map((t) => encodeToken(tenantKey, stemmed ? stem(t) : t))
        .join(' ')
    : '';
}

/** The FTS table's four columns for one document: the subject's and the text's tokens, as analyzed and stemmed. */
export interface FtsColumns {
  subject: string;
  message: string;
  subjectStem: string;
  messageStem: string;
}

export function ftsColumns(tenantKey: number, subject: string | undefined, text: string | undefined): FtsColumns {
  return {
    subject: encodeTokens(tenantKey, subject),
    message: encodeTokens(tenantKey, text),
    subjectStem: encodeTokens(tenantKey, subject, true),
    messageStem: encodeTokens(tenantKey, text, true),
  };
}

/**
 * The FTS5 query for a parsed search text (text-query.ts), over the encoded tokens, in the subject or
 * the message (one column as far as AND is concerned, like OpenSearch's cross_fields): a word's
 * stems ANDed in the stemmed columns, a phrase as FTS5's `"a" + "b"` and a prefix as `"a" *` (a byte
 * prefix of a token is a prefix of its hex) in the exact ones, NOT as FTS5's binary NOT of the
 * group's positive part.
 */
export function ftsMatch(tenantKey: number, tree: TextNode): string {
  const token = (t: string) => `"${encodeToken(tenantKey, t)}"`;
  const exact = (e: string) => `{subject message} : ${e}`;
  const stemmed = (e: string) => `{subject_stem message_stem} : ${e}`;
  const expr = (n: TextNode): string => {
    switch (n.op) {
      case 'word':
        return n.tokens.length === 1 ? stemmed(token(stem(n.tokens[0]))) : `(${n.tokens.map((t) => stemmed(token(stem(t)))).join(' AND ')})`;
      case 'prefix':
        return exact(`${token(n.token)} *`);
      case 'phrase':
        return exact(`(${n.tokens.map(token).join(' + ')})`);
      case 'and': {
        const positive = `(${n.must.map(expr).join(' AND ')})`;
        return n.not.length === 0 ? positive : `(${positive} NOT (${n.not.map(expr).join(' OR ')}))`;
      }
      case 'or':
        return `(${n.any.map(expr).join(' OR ')})`;
    }
  };
  return expr(tree);
}

function encodeToken(tenantKey: number, token: string): string {
  return `t${tenantKey}x${Buffer.from(token, 'utf8').toString('hex')}`;
}
