import { realpathSync, statSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import { rawSource, vendorTime, type ImportContext } from '@custody/connector-kit';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { isValidWallTime, requireTimeZone, wallTimeToUtc } from '../import-shared/local-time';
import type { TgChat, TgMessage } from './types';

export const CONNECTOR = 'telegram-export';
const CONTENT_TYPE = 'application/json';
/** Service messages without an actor (e.g. a chat migrated) are archived under this participant. */
const SYSTEM: Participant = { kind: 'handle', value: 'telegram', displayName: 'Telegram' };

export interface ChatScope {
  chat: Required<Pick<TgChat, 'id' | 'type'>> & TgChat;
  account?: Participant;
  /** The export folder: media paths in messages are relative to it. */
  dir: string;
}

/**
 * Message ids are per account in private chats and basic groups, and per chat in supergroups and
 * channels: only the latter may share one conversation (and dedupe) across exporting accounts.
 */
export function conversationId(chat: ChatScope['chat'], account: Participant | undefined): string {
  if (/supergroup|channel/.test(chat.type)) return `telegram:${chat.id}`;
  if (!account) {
    throw new RejectedInputError('account_required', `telegram export: chat ${chat.id} (${chat.type}) has per-account message ids; pass --account (the exporting user, e.g. user123456789)`);
  }
  return `telegram:${account.value}:${chat.id}`;
}

export function messageDrafts(m: TgMessage, scope: ChatScope, ctx: ImportContext, raw: Buffer, location: string, files: Record<string, string>): EnvelopeDraft[] {
  const convId = conversationId(scope.chat, scope.account);
  const externalId = `${convId}:${m.id}`;
  const service = m.type === 'service';
  const sender = service ? actorOf(m) : senderOf(m, location);
  const common = {
    tenant: ctx.tenant,
    channel: 'telegram' as const,
    source: { connector: CONNECTOR, externalId, accountId: scope.account?.value, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource({ contentType: CONTENT_TYPE, body: raw }) },
    conversation: { id: convId, type: conversationType(scope.chat.type), title: scope.chat.name ?? undefined },
    sender,
    recipients: service ? [] : recipientsOf(scope, sender),
    direction: service ? ('unknown' as const) : direction(scope.account, sender),
    sentAt: instant(m.date_unixtime, m.date, ctx, `${location}.date`),
    capturedAt: ctx.receivedAt.toISOString(),
  };
  const text = textOf(m);
  const entities = m.text_entities?.some((e) => e.type !== 'plain') ? m.text_entities : undefined;
  if (service) {
    const members = m.members?.length ? `: ${m.members.map((x) => x ?? 'deleted account').join(', ')}` : '';
    const title = m.title ? ` "${m.title}"` : '';
    const summary = `${m.actor ?? 'Telegram'} ${m.action ?? 'service'}${title}${members}`;
    return [{ ...common, kind: 'status', content: { text: text ? `${summary}\n${text}` : summary, format: `telegram/service/${m.action ?? 'unknown'}` } }];
  }
  const attachments = attachmentsOf(m, externalId, scope.dir, files);
  const message: EnvelopeDraft = {
    ...common,
    kind: 'message',
    content: { text: text || undefined, format: formatOf(m), entities },
    attachments: attachments.length ? attachments : undefined,
    refs: m.reply_to_message_id !== undefined ? { replyTo: `${convId}:${m.reply_to_message_id}` } : undefined,
  };
  if (!m.edited_unixtime && !m.edited) return [message];
  // The export holds only the final text; the edit itself is a record of its own, dated when it happened.
  const edit: EnvelopeDraft = {
    ...common,
    kind: 'edit',
    source: { ...common.source, externalId: `${externalId}:edited:${m.edited_unixtime ?? m.edited}` },
    sentAt: instant(m.edited_unixtime, m.edited, ctx, `${location}.edited`),
    content: { text: text || undefined, format: 'telegram/edited', entities },
    refs: { edits: externalId },
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

function senderOf(m: TgMessage, location: string): Participant {
  if (!m.from_id) throw new RejectedInputError('missing_sender', `${location}: message has no from_id`);
  return { kind: 'handle', value: m.from_id, platformId: m.from_id, displayName: m.from ?? undefined };
}

function actorOf(m: TgMessage): Participant {
  return m.actor_id ? { kind: 'handle', value: m.actor_id, platformId: m.actor_id, displayName: m.actor ?? undefined } : SYSTEM;
}

function conversationType(type: string): 'direct' | 'group' | 'channel' {
  if (type === 'personal_chat' || type === 'bot_chat' || type === 'saved_messages') return 'direct';
  return /channel/.test(type) ? 'channel' : 'group';
}

/** A private chat's id is the other user's id; in groups only the exporting account is known to have received it. */
function recipientsOf(scope: ChatScope, sender: Participant): Participant[] {
  const { chat, account } = scope;
  const peer: Participant | undefined =
    chat.type === 'personal_chat' || chat.type === 'bot_chat' ? { kind: 'handle', value: `user${chat.id}`, platformId: `user${chat.id}`, displayName: chat.name ?? undefined } : undefined;
  const out = [peer, account].filter((p): p is Participant => p !== undefined && p.value !== sender.value);
  return chat.type === 'saved_messages' ? [] : out;
}

function direction(account: Participant | undefined, sender: Participant): EnvelopeDraft['direction'] {
  if (!account) return 'unknown';
  if (account.value === sender.value) return 'outbound';
  return account.kind === 'handle' && /^user\d+$/.test(account.value) ? 'inbound' : 'unknown';
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
  sticker: 'sticker', voice_message: 'voice', video_message: 'video', video_file: 'video', animation: 'video', audio_file: 'audio',
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
    const kind = m.media_type && Object.hasOwn(KINDS, m.media_type) ? KINDS[m.media_type]! : 'document';
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
