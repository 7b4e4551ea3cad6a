import { z } from 'zod';
import { secret } from '@custody/connector-kit';

// Vendor objects are loose: LINE adds fields and event types without notice, and the whole payload
// is archived verbatim in source.raw, so an additive change must not stop capture. Required fields are strict.
const lineId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'a LINE id');
const millis = z.int().positive();

export const LineSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('user'), userId: lineId }),
  // userId is documented as present only for senders on LINE for iOS and Android
  z.looseObject({ type: z.literal('group'), groupId: lineId, userId: lineId.optional() }),
  z.looseObject({ type: z.literal('room'), roomId: lineId, userId: lineId.optional() }),
]);

/** What every event carries (type, timestamp, mode, webhookEventId and deliveryContext are required by LINE). */
export const LineEventBase = z.looseObject({
  type: z.string().min(1).max(64),
  timestamp: millis,
  mode: z.string().min(1).max(32),
  webhookEventId: z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'a ULID'),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }),
});

const ContentProvider = z.looseObject({ type: z.string(), originalContentUrl: z.string().optional() });

export const LineMessage = z.looseObject({
  id: lineId,
  type: z.string().min(1).max(64),
  text: z.string().optional(),
  emojis: z.array(z.looseObject({ index: z.int().nonnegative(), length: z.int().nonnegative() })).optional(),
  mention: z.looseObject({ mentionees: z.array(z.looseObject({ index: z.int().nonnegative(), length: z.int().nonnegative(), type: z.string() })) }).optional(),
  quotedMessageId: lineId.optional(),
  contentProvider: ContentProvider.optional(),
  fileName: z.string().optional(),
  fileSize: z.int().nonnegative().optional(),
  title: z.string().optional(),
  address: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  packageId: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,64}$/, 'a sticker package id')
    .optional(),
  stickerId: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,64}$/, 'a sticker id')
    .optional(),
  stickerResourceType: z.string().max(64).optional(),
  keywords: z.array(z.string().max(256)).max(100).optional(),
});

export const LineMessageEvent = LineEventBase.extend({ type: z.literal('message'), source: LineSource, message: LineMessage });
export const LineUnsendEvent = LineEventBase.extend({ type: z.literal('unsend'), source: LineSource, unsend: z.looseObject({ messageId: lineId }) });

export const LineWebhook = z.looseObject({
  destination: z.string().regex(/^U[0-9a-f]{32}$/, 'the bot user id U + 32 hex digits'),
  // events are checked one by one in normalize, so one bad event does not sink its neighbours;
  // an empty array is LINE's connectivity check
  events: z.array(z.unknown()),
});

export type LineWebhook = z.infer<typeof LineWebhook>;
export type LineSource = z.infer<typeof LineSource>;
export type LineMessage = z.infer<typeof LineMessage>;
export type LineMessageEvent = z.infer<typeof LineMessageEvent>;
export type LineUnsendEvent = z.infer<typeof LineUnsendEvent>;

export const LineConfig = z
  .object({
    channelSecret: secret(z.string().min(16).max(256)).describe('Channel secret: key of the x-line-signature HMAC-SHA256'),
    channelAccessToken: secret(z.string().min(16).max(1024)).describe('Channel access token: authorizes content downloads'),
  })
  .strict();
export type LineConfig = z.infer<typeof LineConfig>;
