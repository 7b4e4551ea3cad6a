import { createHash } from 'node:crypto';
import { rawSource, vendorTime, type ImportContext } from '@custody/connector-kit';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { parseAddressList } from './addresses';
import { decodeWords } from './encoded-words';
import { htmlToText } from './html';
import { parseMailDate } from './mail-date';
import { header, parsePart, textOf, type MimePart } from './mime';

export const CONNECTOR = 'email';

/** Attachment content to write out before the item is handed over (the draft is built synchronously). */
export interface PendingFile {
  id: string;
  bytes: Buffer;
}

interface Collected {
  plain: string[];
  html: string[];
  attachments: MimePart[];
}

/**
 * One RFC 822 message → one record. `fallbackDate` is the mbox "From " line's date, for messages
 * without a usable Date header.
 */
export function emailDraft(raw: Buffer, ctx: ImportContext, location: string, fallbackDate: number | undefined, pending: PendingFile[]): EnvelopeDraft {
  const root = parsePart(raw, location);
  if (root.headers.length === 0) throw new RejectedInputError('not_rfc822', `${location}: no header fields; not an RFC 822 message`);
  const [sender] = parseAddressList(header(root, 'from'));
  if (!sender) throw new RejectedInputError('missing_from', `${location}: no valid address in From`);
  const dateHeader = header(root, 'date');
  const ms = parseMailDate(dateHeader) ?? fallbackDate;
  if (ms === undefined)
    throw new RejectedInputError(
      dateHeader ? 'bad_date' : 'missing_date',
      `${location}: ${dateHeader ? `Date "${dateHeader.slice(0, 80)}" is not an RFC 5322 date` : 'no Date header'}`,
    );

  // without a Message-ID the bytes themselves are the identity: the same file always maps to the same record
  const externalId = firstMessageId(header(root, 'message-id')) ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const inReplyTo = firstMessageId(header(root, 'in-reply-to'));
  const threadRoot = firstMessageId(header(root, 'references')) ?? inReplyTo ?? externalId;
  const subject = decodeWords(header(root, 'subject') ?? '').trim();
  const recipients = dedupe(['to', 'cc', 'bcc'].flatMap((h) => parseAddressList(header(root, h))));

  const collected: Collected = { plain: [], html: [], attachments: [] };
  collect(root, collected);
  const body = (collected.plain.length ? collected.plain.join('\n') : htmlToText(collected.html.join('\n'))).replace(/\r\n?/g, '\n').replace(/^\n+|\s+$/g, '');
  const attachments = collected.attachments.map((part, i): Attachment => {
    const id = `${externalId}:${i}`;
    pending.push({ id, bytes: part.body });
    return { id, kind: kindOf(part.contentType.value), mimeType: part.contentType.value, fileName: fileNameOf(part) };
  });

  const account = ctx.account?.trim().toLowerCase();
  return {
    tenant: ctx.tenant,
    kind: 'message',
    channel: 'email',
    source: {
      connector: CONNECTOR,
      externalId,
      accountId: ctx.account,
      receivedAt: ctx.receivedAt.toISOString(),
      raw: rawSource({ contentType: 'message/rfc822', body: raw }),
    },
    conversation: {
      id: `email:${threadRoot}`,
      type: recipients.filter((r) => r.value !== sender.value).length > 1 ? 'group' : 'direct',
      title: subject || undefined,
    },
    sender,
    recipients,
    // a mailbox export holds what the account sent and what it received
    direction: !account ? 'unknown' : sender.value === account ? 'outbound' : 'inbound',
    sentAt: vendorTime(ms, 'ms', ctx.receivedAt, `${location}: Date`),
    capturedAt: ctx.receivedAt.toISOString(),
    // the subject is its own searchable field: text is what the sender wrote, never prefixed with it
    content: {
      subject: subject || undefined,
      text: body || undefined,
      format: collected.plain.length ? 'email/plain' : collected.html.length ? 'email/html' : 'email',
    },
    attachments: attachments.length ? attachments : undefined,
    refs: inReplyTo ? { replyTo: inReplyTo } : undefined,
  };
}

/**
 * Body text: every inline text/plain part in order (mailers split text around inline images), or
 * the HTML parts when there is no plain text. Of a multipart/alternative only the alternative with
 * plain text (else the richest, the last) gives text; the others can still carry attachments.
 */
function collect(part: MimePart, into: Collected): void {
  if (!part.parts) {
    if (isBodyText(part)) (part.contentType.value === 'text/plain' ? into.plain : into.html).push(textOf(part));
    else into.attachments.push(part);
    return;
  }
  if (part.contentType.value !== 'multipart/alternative') return part.parts.forEach((p) => collect(p, into));
  const chosen = part.parts.find((p) => hasPlainText(p)) ?? part.parts.at(-1);
  for (const p of part.parts) {
    if (p === chosen) collect(p, into);
    else collect(p, { plain: [], html: [], attachments: into.attachments });
  }
}

function isBodyText(part: MimePart): boolean {
  return (part.contentType.value === 'text/plain' || part.contentType.value === 'text/html') && part.disposition?.value !== 'attachment' && !fileNameOf(part);
}

function hasPlainText(part: MimePart): boolean {
  return part.parts ? part.parts.some(hasPlainText) : isBodyText(part) && part.contentType.value === 'text/plain';
}

function fileNameOf(part: MimePart): string | undefined {
  return part.disposition?.params.get('filename') || part.contentType.params.get('name') || undefined;
}

function kindOf(mimeType: string): Attachment['kind'] {
  const top = mimeType.split('/')[0];
  return top === 'image' ? 'image' : top === 'video' ? 'video' : top === 'audio' ? 'audio' : 'document';
}

function firstMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const bracketed = /<([^<>\s]+)>/.exec(value)?.[1];
  const bare = value.trim();
  return bracketed ?? (bare && !/\s/.test(bare) ? bare : undefined);
}

function dedupe(list: Participant[]): Participant[] {
  return list.filter((p, i) => list.findIndex((q) => q.value === p.value) === i);
}
