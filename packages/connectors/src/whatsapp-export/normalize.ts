import { createHash } from 'node:crypto';
import { isolateEvent, rawSource, vendorTime, type ImportContext, type NormalizeResult } from '@custody/connector-kit';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { formatWallTime, isValidWallTime, wallTimeToUtc } from '../import-shared/local-time';
import { recipientsOf, type Chat } from './chat';
import { mediaFile } from './locate';
import { mediaKind, omittedKind } from './media';
import { classifyBody, lineShape, wallTime, type Body } from './parse';

export const CONNECTOR = 'whatsapp-export';
const CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Android writes group notices with no sender at all; they are archived under this participant. */
const SYSTEM: Participant = { kind: 'handle', value: 'whatsapp', displayName: 'WhatsApp' };

/** One message of the export: its header line and continuation lines, as bytes. */
export interface Block {
  offset: number;
  /** 1-based number of the block's first line, and how many lines it has. */
  lineNo: number;
  lineCount: number;
  raw: Buffer;
  /** orphan: lines before the first header; malformed: a damaged header line and what follows it. */
  shape: 'header' | 'malformed' | 'orphan';
}

export interface BlockOutput {
  position: number;
  result: NormalizeResult;
  files?: Record<string, string>;
}

export interface ReadState {
  chat: Chat;
  ctx: ImportContext;
  /** The --timezone the wall-clock times are read in. */
  zone: string;
  dir: string;
  /** Identity hash → how often it occurred so far: two identical lines in the same second stay two records. */
  occurrences: Map<string, number>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function normalizeBlock(block: Block, state: ReadState): BlockOutput[] {
  const location = `line ${block.lineNo} (byte ${block.offset})`;
  const files: Record<string, string> = {};
  const results = isolateEvent(location, () => drafts(block, state, location, files));
  return results.map((result, i) => ({
    // the edit note of a message sits just after it: still before the next line's first byte
    position: block.offset + i,
    result,
    files: i === 0 && Object.keys(files).length ? files : undefined,
  }));
}

function drafts(block: Block, state: ReadState, location: string, files: Record<string, string>): EnvelopeDraft[] {
  if (block.shape === 'orphan') throw new RejectedInputError('no_message_header', `${location}: text before the first message timestamp`);
  if (block.shape === 'malformed')
    throw new RejectedInputError('malformed_header', `${location}: starts like a message timestamp but is not one WhatsApp writes`);
  let text: string;
  try {
    text = strictUtf8
      .decode(block.raw)
      .replace(/^\ufeff/, '')
      .replace(/(\r?\n)+$/, '')
      .replace(/\r\n/g, '\n');
  } catch {
    throw new RejectedInputError('not_utf8', `${location}: not valid UTF-8`);
  }
  const shape = lineShape(text);
  if (shape.kind !== 'header') throw new Error(`${location}: block does not start with a header`);
  const { chat, ctx } = state;
  const wall = wallTime(shape.header, chat.order);
  if (typeof wall === 'string') throw new RejectedInputError('bad_time', `${location}: ${wall}`);
  if (!isValidWallTime(wall))
    throw new RejectedInputError('bad_date', `${location}: ${formatWallTime(wall)} is not a calendar date (date order ${chat.order})`);
  const sentAt = vendorTime(wallTimeToUtc(wall, state.zone), 'ms', ctx.receivedAt, location);

  const body = classifyBody(shape.header.body);
  const externalId = identity(state, formatWallTime(wall), shape.header.body);
  const sender = body.kind === 'system' ? systemSender(body) : senderOf(chat, body.sender, location);
  const common = {
    tenant: ctx.tenant,
    channel: 'whatsapp' as const,
    source: {
      connector: CONNECTOR,
      externalId,
      accountId: ctx.account,
      receivedAt: ctx.receivedAt.toISOString(),
      raw: rawSource({ contentType: CONTENT_TYPE, body: block.raw }),
    },
    conversation: chat.conversation,
    sender,
    recipients: body.kind === 'system' ? [] : recipientsOf(chat, sender),
    direction: direction(chat, sender, body),
    sentAt,
    capturedAt: ctx.receivedAt.toISOString(),
  };
  switch (body.kind) {
    case 'system':
      return [{ ...common, kind: 'status', content: { text: body.text, format: 'whatsapp-export/system' } }];
    case 'deletion':
      // the export keeps only the placeholder: which message was deleted is not recoverable
      return [{ ...common, kind: 'deletion', content: { text: body.text, format: 'whatsapp-export/deleted' } }];
    case 'message': {
      const attachments = body.media ? [attachment(body.media, externalId, state.dir, files)] : undefined;
      const message: EnvelopeDraft = {
        ...common,
        kind: 'message',
        content: { text: body.text || undefined, format: body.media ? 'whatsapp-export/media' : 'whatsapp-export/text' },
        attachments,
      };
      if (!body.edited) return [message];
      // The export holds only the text after the last edit; this note records that an edit happened.
      const note: EnvelopeDraft = {
        ...common,
        kind: 'edit',
        source: { ...common.source, externalId: `${externalId}:edited` },
        content: { text: body.text || undefined, format: 'whatsapp-export/edited' },
        refs: { edits: externalId },
      };
      return [message, note];
    }
  }
}

/**
 * The export has no message ids: a record's id hashes the conversation, the wall time as written,
 * and the sender and text as written, plus the occurrence index of that hash in the file. The
 * same file read again (or a later export of the same chat) yields the same ids.
 */
function identity(state: ReadState, wall: string, body: string): string {
  const hash = createHash('sha256').update(`${state.chat.conversation.id}\u0000${wall}\u0000${body}`).digest('hex').slice(0, 40);
  const n = state.occurrences.get(hash) ?? 0;
  state.occurrences.set(hash, n + 1);
  return `${hash}:${n}`;
}

function senderOf(chat: Chat, name: string, location: string): Participant {
  const p = chat.people.get(name);
  if (p instanceof RejectedInputError) throw new RejectedInputError(p.code, `${location}: ${p.message}`);
  if (!p) throw new Error(`${location}: sender "${name}" missing from the chat scan`);
  return p;
}

function systemSender(body: Extract<Body, { kind: 'system' }>): Participant {
  return body.sender ? { kind: 'handle', value: body.sender, displayName: body.sender } : SYSTEM;
}

function direction(chat: Chat, sender: Participant, body: Body): EnvelopeDraft['direction'] {
  if (body.kind === 'system' || !chat.account) return 'unknown';
  if (sender.kind === chat.account.kind && sender.value === chat.account.value) return 'outbound';
  return chat.accountSeen ? 'inbound' : 'unknown';
}

function attachment(
  media: NonNullable<Extract<Body, { kind: 'message' }>['media']>,
  externalId: string,
  dir: string,
  files: Record<string, string>,
): Attachment {
  const id = `${externalId}:0`;
  if (!media.fileName) return { id, kind: omittedKind(media.omitted ?? ''), caption: media.caption };
  const { kind, mimeType } = mediaKind(media.fileName);
  const path = mediaFile(dir, media.fileName);
  if (path) files[id] = path;
  return { id, kind, mimeType, fileName: media.fileName, caption: media.caption };
}
