import { z } from 'zod';
import { secret } from '@custody/connector-kit';
import type { RejectedInputError } from '@custody/errors';

// signal-cli's JSON (org.asamk.signal.json.*): absent values are serialized as null, so optional
// fields are nullish. Loose for forward compatibility; the whole notification is kept in source.raw.
const str = z.string().max(4096).nullish();
const ms = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const SignalAttachment = z.looseObject({
  contentType: str,
  filename: str,
  id: str,
  size: z.number().int().nonnegative().nullish(),
  caption: str,
});

const dataFields = {
  message: z.string().nullish(),
  expiresInSeconds: z.number().nullish(),
  viewOnce: z.boolean().nullish(),
  isExpirationUpdate: z.boolean().nullish(),
  attachments: z.array(SignalAttachment).max(1000).nullish(),
  quote: z.looseObject({ id: ms, author: str, authorNumber: str, authorUuid: str, text: str }).nullish(),
  reaction: z
    .looseObject({
      emoji: z.string().max(64),
      targetAuthor: str,
      targetAuthorNumber: str,
      targetAuthorUuid: str,
      targetSentTimestamp: ms,
      isRemove: z.boolean(),
    })
    .nullish(),
  remoteDelete: z.looseObject({ timestamp: ms }).nullish(),
  groupInfo: z.looseObject({ groupId: z.string().min(1).max(256), groupName: str, type: str }).nullish(),
  // packId: hex in current signal-cli, base64 in older versions
  sticker: z
    .looseObject({
      packId: z
        .string()
        .regex(/^[A-Za-z0-9+/=_-]{1,128}$/, 'a sticker pack id')
        .nullish(),
      stickerId: z.int().nonnegative().nullish(),
    })
    .nullish(),
  // shared contact cards, read for searchable text only: a shape we do not expect leaves the text out, never the message
  contacts: z
    .array(
      z.looseObject({
        name: z.looseObject({ display: str, given: str, family: str }).nullish(),
        phone: z.array(z.looseObject({ value: str })).nullish(),
        email: z.array(z.looseObject({ value: str })).nullish(),
        organization: str,
      }),
    )
    .nullish()
    .catch(undefined),
};

export const SignalDataMessage = z.looseObject({ timestamp: ms, ...dataFields });
export const SignalEditMessage = z.looseObject({ targetSentTimestamp: ms, dataMessage: SignalDataMessage });

/** syncMessage.sentMessage: a message the account owner sent from another device; data fields are inlined, absent for an edit. */
export const SignalSentMessage = z
  .looseObject({
    timestamp: ms.nullish(),
    ...dataFields,
    destination: str,
    destinationNumber: str,
    destinationUuid: str,
    editMessage: SignalEditMessage.nullish(),
  })
  .refine((s) => s.timestamp != null || s.editMessage != null, { message: 'timestamp is required unless editMessage is set', path: ['timestamp'] });

export const SignalEnvelope = z.looseObject({
  source: str,
  sourceNumber: str,
  sourceUuid: str,
  sourceName: str,
  sourceDevice: z.number().int().nullish(),
  timestamp: ms,
  dataMessage: SignalDataMessage.nullish(),
  editMessage: SignalEditMessage.nullish(),
  syncMessage: z.looseObject({ sentMessage: SignalSentMessage.nullish() }).nullish(),
});

export const SignalNotification = z.looseObject({ jsonrpc: z.literal('2.0'), method: z.string().min(1).max(64), params: z.unknown().optional() });

/** `receive` params: {envelope, account}, or wrapped as {subscription, result: {envelope, account}} with --receive-mode=manual. */
export const ReceiveParams = z.looseObject({
  envelope: z.unknown().optional(),
  account: str,
  result: z.looseObject({ envelope: z.unknown(), account: str }).optional(),
});

export type SignalDataMessage = z.infer<typeof SignalDataMessage>;
export type SignalEnvelope = z.infer<typeof SignalEnvelope>;
export type SignalSentMessage = z.infer<typeof SignalSentMessage>;

/** One notification of a delivery, with where it sits in it, or the rejection its line earned. */
export interface SignalItem {
  /** The event's path in the delivery: params.envelope, 3.params.envelope (batch), line 3 (JSON Lines). */
  path: string;
  /** Prefix of field paths in messages: '' or '3.' (batch). */
  at: string;
  value?: unknown;
  error?: RejectedInputError;
}

export interface SignalParsed {
  /** The configured account, when parse was given the config. */
  account?: string;
  notifications: SignalItem[];
}

export const SignalConfig = z
  .object({
    account: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/, 'E.164 with a leading +')
      .describe("The firm's Signal number signal-cli is registered or linked as"),
    sharedSecret: secret(z.string().min(16)).describe('Bearer token the in-house signal-cli forwarder sends in Authorization: signal-cli itself signs nothing'),
  })
  .strict();
export type SignalConfig = z.infer<typeof SignalConfig>;
