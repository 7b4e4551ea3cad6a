import { createHash } from 'node:crypto';

/**
 * Package paths are built by Custody alone: a conversation id comes from a vendor, so it only ever
 * appears sanitized, capped and suffixed with its own hash (two ids that sanitize alike stay apart).
 */
export function conversationFolder(conversationId: string): string {
  const readable = conversationId
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9@+._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 60);
  return `${readable || 'conversation'}-${createHash('sha256').update(conversationId).digest('hex').slice(0, 12)}`;
}

/** The documents of one volume of a conversation; RSMF files are per UTC day (and part, for a day longer than a volume). */
export const documentPaths = (conversationId: string, volume: number) => {
  const folder = conversationFolder(conversationId);
  const v = String(volume).padStart(3, '0');
  return {
    rsmf: (day: string, part?: number) => `rsmf/${folder}/${day}${part === undefined ? '' : `-part${part}`}.rsmf`,
    pdf: `pdf/${folder}/transcript-${v}.pdf`,
    jsonl: `native/${folder}/records-${v}.jsonl`,
    raw: `native/${folder}/raw-${v}.jsonl`,
  };
};
export const emlPath = (recordId: string) => `eml/${recordId}.eml`;
export const attachmentPath = (sha256: string) => `native/attachments/${sha256}`;
export const unitLedgerPath = (seq: number) => `job/units/${String(seq).padStart(8, '0')}.json`;
export const PLAN_PATH = 'job/plan.jsonl';

/** Production numbers: prefix and 8 digits, Bates-style. */
export const productionNumber = (prefix: string, n: number) => `${prefix}${String(n).padStart(8, '0')}`;
