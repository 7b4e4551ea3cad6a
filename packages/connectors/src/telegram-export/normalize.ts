import { realpathSync, statSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import { rawSource, vendorTime, type ImportContext } from '@custody/connector-kit';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { isValidWallTime, requireTimeZone, wallTimeToUtc } from '../import-shared/local-time';
import { direction, recipientsOf, senderOf, type ChatScope } from './participants';
import { serviceDraft, type Common } from './service';
import type { TgMessage } from './types';

export const CONNECTOR = 'telegram-export';
const CONTENT_TYPE = 'application/json';

export type { ChatScope } from './participants';

/**
 * Message ids are per account in private chats and basic groups, and per chat in supergroups and
 * channels: only the latter may share one conversation (and dedupe) across exporting accounts.
 */
export function conversationId(chat: ChatScope['chat'], account: Participant | undefined): string {
  if (/supergroup|channel/.test(chat.type)) return `telegram:${chat.id}`;
  if (!account) {
    throw new RejectedInputError(
      'account_required',
      `telegram export: chat ${chat.id} (${chat.type}) has per-account message ids; pass --account (the exporting user, e.g. user123456789)`,
    );
  }
  return `telegram:${account.value}:${chat.id}`;
}

export function messageDrafts(
  m: TgMessage,
  scope: ChatScope,
  ctx: ImportContext,
  raw: Buffer,
  location: string,
  files: Record<string, string>,
): EnvelopeDraft[] {
  const convId = conversationId(scope.chat, scope.account);
  const externalId = `${convId}:${m.id}`;
  const sentAt = instant(m.date_unixtime, m.date, ctx, `${location}.date`);
  const common: Common = {
    tenant: ctx.tenant,
    channel: 'telegram' as const,
    source: {
      connector: CONNECTOR,
      externalId,
      accountId: scope.account?.value,
      receivedAt: ctx.receivedAt.toISOString(),
      raw: rawSource({ contentType: CONTENT_TYPE, body: raw }),
    },
    conversation: { id: convId, type: conversationType(scope.chat.type), title: scope.chat.name ?? undefined },
    sentAt,
    capturedAt: ctx.receivedAt.toISOString(),
  };
  const text = textOf(m);
  const attachments = attachmentsOf(m, externalId, scope.dir, files);
  if (m.type === 'service') return [serviceDraft(m, common, scope, convId, location, text, attachments)];
  const sender = senderOf(m, location);
  const parties = { sender, recipients: recipientsOf(scope, sender), direction: direction(scope.account, sender) };
  const entities = m.text_entities?.some((e) => e.type !== 'plain') ? m.text_entities : undefined;
  const edited = m.edited_unixtime || m.edited ? instant(m.edited_unixtime, m.edited, ctx, `${location}.edited`) : undefined;
  const refs = { ...(m.reply_to_message_id !== undefined ? { replyTo: `${convId}:${m.reply_to_message_id}` } : {}), ...(edited ? { editedAt: edited } : {}) };
  const message: EnvelopeDraft = {
    ...common,
    ...parties,
    kind: 'message',
    content: { text: text || undefined, format: formatOf(m), entities },
    attachments: attachments.length ? attachments : undefined,
    refs: Object.keys(refs).length ? refs : undefined,
  };
  if (!edited) return [message];
  // The export holds only the final text (the message keeps its send time, marked editedAt); the
  // edit itself is a record of its own, dated when it happened.
  const edit: EnvelopeDraft = {
    ...common,
    ...parties,
    kind: 'edit',
    source: { ...common.source, externalId: `${externalId}:edited:${m.edited_unixtime ?? m.edited}` },
    sentAt: edited,
    content: { text: text || undefined, format: 'telegram/edited', entities },
    refs: { edits: externalId, originalSentAt: sentAt },
  };
  return [message, edit];
}

/** `*_unixtime` when present; exports before it existed carry only the exporter's local time, read in --timezone. */
function instant(unix: string | undefined, local: string | undefined, ctx: ImportContext, field: string): string {
  if (unix) return vendorTime(Number(unix), 's', ctx.receivedAt, `${field}_unixtime`);
  const m = local && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new RejectedInputError('missing_date', `${field}: neither ${field.split('.').pop()}_unixtime nor a local time like 2023-12-31T21:41:05`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = { year, month, day, hour, minute, second };
  if (!isValidWallTime(wall)) throw new RejectedInputError('bad_date', `${field}: ${local} is not a calendar date`);
  const zone = requireTimeZone(ctx.timezone, `telegram-export: ${field} is a local time (the export predates ${field.split('.').pop()}_unixtime)`);
  return vendorTime(wallTimeToUtc(wall, zone), 'ms', ctx.receivedAt, field);
}

function conversationType(type: string): 'direct' | 'group' | 'channel' {
  if (type === 'personal_chat' || type === 'bot_chat' || type === 'saved_messages') return 'direct';
  return /channel/.test(type) ? 'channel' : 'group';
}

function textOf(m: TgMessage): string {
  if (typeof m.text === 'string') return m.text;
  return (m.text ?? []).map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

function formatOf(m: TgMessage): string {
  if (m.photo) return 'telegram/photo';
  if (m.file) return `telegram/${m.media_type ?? 'file'}`;
  for (const k of ['location_information', 'contact_information', 'poll', 'game_information', 'invoice_information'] as const) {
    if (Object.hasOwn(m, k)) return `telegram/${k.replace(/_information$/, '')}`;
  }
  return 'telegram/text';
}

const KINDS: Record<string, Attachment['kind']> = {
  sticker: 'sticker',
  voice_message: 'voice',
  video_message: 'video',
  video_file: 'video',
  animation: 'video',
  audio_file: 'audio',
};

function attachmentsOf(m: TgMessage, externalId: string, dir: string, files: Record<string, string>): Attachment[] {
  const out: Attachment[] = [];
  const add = (slot: string, path: string, a: Omit<Attachment, 'id'>) => {
    const id = `${externalId}:${slot}`;
    const file = exportFile(dir, path);
    if (file) files[id] = file;
    out.push({ id, ...a });
  };
  if (m.photo) add('photo', m.photo, { kind: 'image', mimeType: 'image/jpeg', fileName: included(m.photo) ? basename(m.photo) : undefined });
  if (m.file) {
    const kind = m.media_type && Object.hasOwn(KINDS, m.media_type) ? KINDS[m.media_type] : 'document';
    add('file', m.file, { kind, mimeType: m.mime_type, fileName: m.file_name ?? (included(m.file) ? basename(m.file) : undefined) });
  }
  return out;
}

/** "(File not included. Change data exporting settings to download.)" and similar notes stand in for a path. */
function included(path: string): boolean {
  return !path.startsWith('(');
}

/** A media path of the export, only when it resolves to a file inside the export folder. */
function exportFile(dir: string, path: string): string | undefined {
  if (!included(path)) return undefined;
  try {
    const root = realpathSync(dir);
    const real = realpathSync(resolve(root, path));
    return real.startsWith(root + sep) && statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
