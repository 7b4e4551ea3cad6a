import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft } from '@custody/envelope';
import { isolateEvent, rawSource, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import type { z } from 'zod';
import { botParticipant, chatParticipant, userParticipant } from './participants';
import { serviceAction, serviceField, videoChatCall } from './service';
import { MESSAGE_FIELDS, TgMessage, type MessageField, type TelegramParsed } from './types';

const CONNECTOR = 'telegram-bot';
// venue before location: a venue message carries a location too
const CONTENT_TYPES = [
  'text',
  'photo',
  'animation',
  'document',
  'voice',
  'audio',
  'video',
  'video_note',
  'sticker',
  'venue',
  'location',
  'contact',
  'poll',
] as const;
// an animation also arrives as `document`, so it is archived through that field
const FILE_FIELDS = [
  ['document', 'document'],
  ['voice', 'voice'],
  ['audio', 'audio'],
  ['video', 'video'],
  ['video_note', 'video'],
  ['sticker', 'sticker'],
] as const;

/**
 * Telegram delivers one update per webhook. Only the message kinds are communications; every other
 * update (callback and inline queries, member and chat changes, poll answers, payments, and the
 * opt-in message_reaction) is a bot interaction or state change, so it yields no record.
 */
export function normalizeTelegram({ update, botId }: TelegramParsed, ctx: NormalizeContext): NormalizeResult[] {
  return MESSAGE_FIELDS.filter((field) => update[field] !== undefined).flatMap((field) =>
    isolateEvent(field, () => messageDraft(checked(TgMessage, update[field], field), field, botId, ctx)),
  );
}

function checked<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${[path, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `telegram webhook: ${issues.join('; ')}`);
  }
  return r.data;
}

/**
 * Message ids are only unique per chat, and in private chats and basic groups per bot too: two bots of
 * one tenant can see different messages as chat 42 / message 7. The bot id keeps those records apart.
 */
function messageRef(botId: string, chatId: number, messageId: number): string {
  return `${botId}:${chatId}:${messageId}`;
}

function messageDraft(m: TgMessage, field: MessageField, botId: string, ctx: NormalizeContext): EnvelopeDraft {
  const isEdit = field === 'edited_message' || field === 'edited_channel_post';
  if (isEdit && m.edit_date === undefined) throw new RejectedInputError('schema_violation', `telegram webhook: ${field}.edit_date: required for an edit`);
  const date = vendorTime(m.date, 's', ctx.receivedAt, `${field}.date`);
  const ref = messageRef(botId, m.chat.id, m.message_id);
  const direct = m.chat.type === 'private';
  const reply = m.reply_to_message ? messageRef(botId, m.reply_to_message.chat?.id ?? m.chat.id, m.reply_to_message.message_id) : undefined;
  // an edit is dated when it was made and keeps the original's send time beside the reference
  const refs = { ...(isEdit ? { edits: ref, originalSentAt: date } : {}), ...(reply ? { replyTo: reply } : {}) };
  // when a chat speaks (channel post, anonymous admin) it is the sender; `from` is then absent or a placeholder bot
  const sender = m.sender_chat ? chatParticipant(m.sender_chat) : userParticipant(m.from!);
  const common = {
    tenant: ctx.tenant,
    channel: 'telegram' as const,
    source: {
      connector: CONNECTOR,
      externalId: isEdit ? `${ref}:edit:${m.edit_date}` : ref,
      accountId: botId,
      receivedAt: ctx.receivedAt.toISOString(),
      raw: rawSource(ctx.raw),
    },
    conversation: {
      id: `telegram:${botId}:${m.chat.id}`,
      type: direct ? ('direct' as const) : m.chat.type === 'channel' ? ('channel' as const) : ('group' as const),
      ...(m.chat.title !== undefined ? { title: m.chat.title } : {}),
    },
    sender,
    recipients: [direct ? botParticipant(botId) : chatParticipant(m.chat)],
    direction: directionOf(m, botId),
    sentAt: isEdit ? vendorTime(m.edit_date!, 's', ctx.receivedAt, `${field}.edit_date`) : date,
    capturedAt: ctx.receivedAt.toISOString(),
    attachments: attachments(m),
  };
  const service = isEdit ? undefined : serviceField(m);
  if (service) {
    const format = `telegram/service/${service}`;
    const call = videoChatCall(m, service, sender);
    if (call) return { ...common, kind: 'call', content: { format }, call };
    return {
      ...common,
      kind: 'status',
      content: { format, action: serviceAction(m, service, sender, (chatId, messageId) => messageRef(botId, chatId, messageId)) },
    };
  }
  return { ...common, kind: isEdit ? 'edit' : 'message', content: content(m), ...(Object.keys(refs).length ? { refs } : {}) };
}

/**
 * The bot is the firm's account: what reaches it from anyone else (a private chat, a group it sits
 * in) is inbound, what it sent itself outbound. A channel speaks for whoever owns it, which the
 * update does not say: unknown. The tenant directory refines these (an employee in a group).
 */
function directionOf(m: TgMessage, botId: string): EnvelopeDraft['direction'] {
  if (m.chat.type === 'channel') return 'unknown';
  return !m.sender_chat && m.from !== undefined && String(m.from.id) === botId ? 'outbound' : 'inbound';
}

function content(m: TgMessage): EnvelopeDraft['content'] {
  const type = CONTENT_TYPES.find((t) => m[t] !== undefined) ?? 'other';
  const entities = m.entities ?? m.caption_entities;
  const text = m.text ?? m.caption ?? describe(m);
  return { ...(text !== undefined ? { text } : {}), format: `telegram/${type}`, ...(entities ? { entities } : {}) };
}

/** Searchable text for content types that have no text of their own. */
function describe(m: TgMessage): string | undefined {
  const at = m.location ? `${m.location.latitude},${m.location.longitude}` : undefined;
  if (m.venue) return [m.venue.title, m.venue.address, at].filter(Boolean).join('\n');
  if (at) return at;
  if (m.contact) return [[m.contact.first_name, m.contact.last_name].filter(Boolean).join(' '), m.contact.phone_number].join('\n');
  return m.poll?.question;
}

function attachments(m: TgMessage): Attachment[] | undefined {
  const out: Attachment[] = [];
  // Telegram sends every size it made of a photo; the largest is the original worth archiving
  // a new chat photo (service message) comes in sizes too
  const photo = (m.photo ?? m.new_chat_photo)?.reduce((best, p) =>
    p.width * p.height > best.width * best.height || (p.width * p.height === best.width * best.height && (p.file_size ?? 0) > (best.file_size ?? 0)) ? p : best,
  );
  if (photo) out.push(attachment(photo, 'image', m.caption));
  for (const [field, kind] of FILE_FIELDS) {
    const f = m[field];
    if (f) out.push(attachment(f, kind, m.caption, f.mime_type, f.file_name));
  }
  return out.length ? out : undefined;
}

function attachment(
  f: { file_id: string; file_unique_id: string; file_size?: number },
  kind: Attachment['kind'],
  caption?: string,
  mimeType?: string,
  fileName?: string,
): Attachment {
  return {
    // file_unique_id is the same for every bot and over time; file_id is what getFile needs
    id: f.file_unique_id,
    kind,
    ...(mimeType !== undefined ? { mimeType } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
    ...(f.file_size !== undefined ? { size: f.file_size } : {}),
    sourceRef: `telegram-file:${f.file_id}`,
    ...(caption !== undefined ? { caption } : {}),
  };
}
