import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import type { z } from 'zod';
import { LineEventBase, LineMessageEvent, LineUnsendEvent, type LineMessage, type LineSource, type LineWebhook } from './types';

const CONNECTOR = 'line';
const MEDIA_KINDS = { image: 'image', video: 'video', audio: 'audio', file: 'document' } as const;
type MediaType = keyof typeof MEDIA_KINDS;
// own keys only: a vendor type named "constructor" or "toString" must not look like media
const isMediaType = (type: string): type is MediaType => Object.hasOwn(MEDIA_KINDS, type);

/** One webhook carries several events: one envelope per message or unsend. */
export function normalizeLine(payload: LineWebhook, ctx: NormalizeContext): NormalizeResult[] {
  return payload.events.flatMap((event, i) => {
    const path = `events.${i}`;
    return isolateEvent(path, () => {
      const { type } = checked(LineEventBase, event, path);
      if (type === 'message') return messageDraft(checked(LineMessageEvent, event, path), payload.destination, ctx, path);
      if (type === 'unsend') return unsendDraft(checked(LineUnsendEvent, event, path), payload.destination, ctx, path);
      // follow/unfollow, join/leave, member changes, postbacks, beacons, account links, video views and
      // bot lifecycle events are account and interaction events, not communications: no record
      return [];
    });
  });
}

function checked<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${[path, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `line webhook: ${issues.join('; ')}`);
  }
  return r.data;
}

interface Parties {
  sender: Participant;
  recipients: Participant[];
  conversation: EnvelopeDraft['conversation'];
  direction: EnvelopeDraft['direction'];
}

/**
 * LINE only delivers what users send to the firm's official account (destination): in a 1:1 chat
 * and in the groups and rooms it is in, the firm's side receives, so every message is inbound from
 * the account's own side. The directory refines it (an employee posting in a group is outbound or
 * internal) but is never needed for it.
 */
function parties(source: LineSource, destination: string): Parties {
  const user = (id: string): Participant => ({ kind: 'handle', value: id, platformId: id });
  if (source.type === 'user') {
    return {
      sender: user(source.userId),
      recipients: [user(destination)],
      conversation: { id: `line:${destination}:${source.userId}`, type: 'direct' },
      direction: 'inbound',
    };
  }
  const chatId = source.type === 'group' ? source.groupId : source.roomId;
  return {
    // a sender LINE does not name (desktop clients) is still a message in this chat: archived, unattributed
    sender: source.userId ? user(source.userId) : { kind: 'handle', value: 'line:unknown-member' },
    recipients: [user(chatId)],
    conversation: { id: `line:${destination}:${chatId}`, type: 'group' },
    direction: 'inbound',
  };
}

function base(ctx: NormalizeContext, destination: string, externalId: string, timestamp: number, path: string) {
  return {
    tenant: ctx.tenant,
    channel: 'line' as const,
    source: { connector: CONNECTOR, externalId, accountId: destination, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
    sentAt: vendorTime(timestamp, 'ms', ctx.receivedAt, `${path}.timestamp`),
    capturedAt: ctx.receivedAt.toISOString(),
  };
}

function messageDraft(e: LineMessageEvent, destination: string, ctx: NormalizeContext, path: string): EnvelopeDraft {
  const m = e.message;
  return {
    // the message id, not the webhookEventId: replies (quotedMessageId) and unsends name messages by it,
    // and a redelivery carries the same message id
    ...base(ctx, destination, m.id, e.timestamp, path),
    kind: 'message',
    ...parties(e.source, destination),
    content: content(m, `${path}.message`),
    attachments: attachments(m, `${path}.message`),
    ...(m.quotedMessageId ? { refs: { replyTo: m.quotedMessageId } } : {}),
  };
}

function unsendDraft(e: LineUnsendEvent, destination: string, ctx: NormalizeContext, path: string): EnvelopeDraft {
  // an unsend has no id of its own but its webhookEventId, which a redelivery repeats
  return {
    ...base(ctx, destination, e.webhookEventId, e.timestamp, path),
    kind: 'deletion',
    ...parties(e.source, destination),
    refs: { deletes: e.unsend.messageId },
  };
}

function required<T>(value: T | undefined, path: string, type: string): T {
  if (value === undefined) throw new RejectedInputError('schema_violation', `line webhook: ${path}: required for type ${type}`);
  return value;
}

function content(m: LineMessage, at: string): EnvelopeDraft['content'] {
  const format = `line/${m.type}`;
  switch (m.type) {
    case 'text': {
      const entities = [...(m.mention?.mentionees ?? []), ...(m.emojis ?? [])];
      return { text: required(m.text, `${at}.text`, 'text'), format, ...(entities.length ? { entities } : {}) };
    }
    case 'location': {
      const coordinates = `${required(m.latitude, `${at}.latitude`, 'location')},${required(m.longitude, `${at}.longitude`, 'location')}`;
      return { text: [m.title, m.address, coordinates].filter(Boolean).join('\n'), format };
    }
    case 'sticker': {
      required(m.packageId, `${at}.packageId`, 'sticker');
      required(m.stickerId, `${at}.stickerId`, 'sticker');
      // the text of a message or custom sticker is what the user wrote; the rest describes the sticker
      const sticker = Object.entries({
        type: 'sticker',
        packageId: m.packageId,
        stickerId: m.stickerId,
        stickerResourceType: m.stickerResourceType,
        keywords: m.keywords,
      }).filter(([, v]) => v !== undefined);
      return { ...(m.text !== undefined ? { text: m.text } : {}), format, entities: [Object.fromEntries(sticker)] };
    }
    default:
      // media and types we do not model are archived with the vendor JSON in source.raw
      return { ...(m.text !== undefined ? { text: m.text } : {}), format };
  }
}

function attachments(m: LineMessage, at: string): Attachment[] | undefined {
  // LINE's content API does not serve stickers: the reference names the sticker, the media worker leaves it be
  if (m.type === 'sticker') return [{ id: m.id, kind: 'sticker', sourceRef: `line-sticker:${m.packageId}/${m.stickerId}` }];
  if (!isMediaType(m.type)) return undefined;
  if (m.type === 'file') {
    required(m.fileName, `${at}.fileName`, 'file');
    required(m.fileSize, `${at}.fileSize`, 'file');
  }
  // content a LINE Official Account sent by URL (contentProvider.type external) is not on LINE's
  // servers: its URL stays in source.raw, and fetching arbitrary third-party URLs is not this connector's job
  const onLine = m.type === 'file' || required(m.contentProvider, `${at}.contentProvider`, m.type).type === 'line';
  return [
    {
      id: m.id,
      kind: MEDIA_KINDS[m.type],
      ...(m.fileName !== undefined ? { fileName: m.fileName } : {}),
      ...(m.fileSize !== undefined ? { size: m.fileSize } : {}),
      ...(onLine ? { sourceRef: `line-content:${m.id}` } : {}),
    },
  ];
}
