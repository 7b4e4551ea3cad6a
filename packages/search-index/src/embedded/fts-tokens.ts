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
export function encodeTokens(tenantKey: number, text: string | undefined): string {
  return text
    ? tokenize(text)
        .map((t) => encodeToken(tenantKey, t))
        .join(' ')
    : '';
}

/**
 * An FTS5 query for `text` as Custody's query language means it: every distinct token (AND), in the
 * subject or the message (one column as far as AND is concerned, like OpenSearch's cross_fields).
 * Null when the text has no token, which matches nothing (as in OpenSearch). Phrase
 * (`"a" + "b"`), prefix (`"a" *`), OR and NOT are the same syntax over the same encoded tokens.
 */
export function matchAll(tenantKey: number, text: string): string | null {
  const tokens = [...new Set(tokenize(text))];
  if (tokens.length === 0) return null;
  return `{subject message} : (${tokens.map((t) => `"${encodeToken(tenantKey, t)}"`).join(' AND ')})`;
}

function encodeToken(tenantKey: number, token: string): string {
  return `t${tenantKey}x${Buffer.from(token, 'utf8').toString('hex')}`;
}
