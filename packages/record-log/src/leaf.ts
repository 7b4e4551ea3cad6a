import { z } from 'zod';
import { hashLeaf } from './merkle';

const LINE = /^[^\n\r]*$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * One archived object version as the record log names it. What is archived is a record (a
 * customer-data envelope) or an audit event; `sequence` is the leaf's position in the tenant's log,
 * assigned by the log writer. Everything else is what the archiver wrote and read back.
 */
export const LogLeaf = z
  .object({
    kind: z.enum(['record', 'audit']).describe('what was archived: a customer-data record or an audit event'),
    id: z.string().min(1).regex(LINE).describe('record id (envelope id) or audit event id'),
    key: z.string().min(1).regex(LINE).describe('the archive key the version was written under'),
    versionId: z.string().min(1).regex(LINE).describe('the version the store gave that write; reads use this one, never "the newest"'),
    sha256: z.string().regex(HEX64).describe('hex SHA-256 of the stored bytes'),
    envelopeSha256: z
      .string()
      .regex(/^([0-9a-f]{64})?$/)
      .describe("a record's envelope integrity hash (`integrity.sha256`); empty for audit events"),
    channel: z.string().regex(LINE).describe("a record's channel (whatsapp, telegram, …); empty for audit events"),
    type: z.string().min(1).regex(LINE).describe("a record's kind (message, call, edit, …), or `audit`"),
    retainUntil: z.iso.datetime().describe('the retain-until date the version was locked with when written (it may only have been extended since)'),
  })
  .strict();
export type LogLeaf = z.infer<typeof LogLeaf>;

export const SequencedLeaf = LogLeaf.extend({ sequence: z.number().int().nonnegative().describe('position in the tenant log, from 0') }).strict();
export type SequencedLeaf = z.infer<typeof SequencedLeaf>;

export const LEAF_FORMAT = 'custody.leaf/v1';

/**
 * The bytes a leaf hash covers (docs/verification.md): the format line, then the fields one per
 * line in this fixed order, UTF-8, `\n`-separated, no trailing newline. Fields never contain a line
 * break (the schema refuses one), so the encoding is unambiguous and re-implementable in a few lines.
 */
export function leafBytes(l: SequencedLeaf): Buffer {
  return Buffer.from(
    [LEAF_FORMAT, String(l.sequence), l.kind, l.id, l.key, l.versionId, l.sha256, l.envelopeSha256, l.channel, l.type, l.retainUntil].join('\n'),
    'utf8',
  );
}

export const leafHashOf = (l: SequencedLeaf): Buffer => hashLeaf(leafBytes(l));
