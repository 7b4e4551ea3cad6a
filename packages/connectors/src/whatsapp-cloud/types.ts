import { z } from 'zod';
import { secret } from '@custody/connector-kit';

// Vendor objects are loose: Meta adds fields without notice, and the whole payload is archived
// verbatim in source.raw, so an additive change must not stop capture. Required fields are strict.
const digits = z.string().regex(/^\d{1,20}$/, 'a string of digits');
const unixSeconds = z.string().regex(/^\d{1,12}$/, 'unix seconds as a string of digits');

export const WaMedia = z.looseObject({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

export const WaError = z.looseObject({ code: z.number(), title: z.string().optional(), message: z.string().optional() });

export const WaMessage = z
  .looseObject({
    id: z.string().min(1).max(512),
    from: digits.optional(),
    /** Business-scoped user id: sent instead of (or beside) the phone number for username users. */
    from_user_id: z.string().min(1).max(256).optional(),
    /** Set on message echoes (smb_message_echoes): the user the business sent the message to. */
    to: digits.optional(),
    to_user_id: z.string().min(1).max(256).optional(),
    timestamp: unixSeconds,
    type: z.string().min(1).max(64),
    text: z.looseObject({ body: z.string() }).optional(),
    image: WaMedia.optional(),
    video: WaMedia.optional(),
    audio: WaMedia.optional(),
    document: WaMedia.optional(),
    sticker: WaMedia.optional(),
    reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() }).optional(),
    /** Coexistence: a user edited an earlier message; `message` is the new version, shaped like a message without id or time. */
    edit: z.looseObject({ original_message_id: z.string().min(1).max(512), message: z.looseObject({ type: z.string().min(1).max(64) }) }).optional(),
    /** Coexistence: a user deleted (revoked) an earlier message. */
    revoke: z.looseObject({ original_message_id: z.string().min(1).max(512) }).optional(),
    context: z.looseObject({ id: z.string().optional(), from: z.string().optional(), forwarded: z.boolean().optional() }).optional(),
    location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
    button: z.looseObject({ text: z.string().optional(), payload: z.string().optional() }).optional(),
    interactive: z
      .looseObject({
        type: z.string(),
        button_reply: z.looseObject({ id: z.string().optional(), title: z.string().optional() }).optional(),
        list_reply: z.looseObject({ id: z.string().optional(), title: z.string().optional(), description: z.string().optional() }).optional(),
        nfm_reply: z.looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string().optional() }).optional(),
      })
      // read for searchable text only: a shape we do not expect leaves the text out, never the message
      .optional()
      .catch(undefined),
    contacts: z
      .array(
        z.looseObject({
          name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
          phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
          emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
          org: z.looseObject({ company: z.string().optional() }).optional(),
        }),
      )
      .optional()
      .catch(undefined),
    system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }).optional().catch(undefined),
    errors: z.array(WaError).optional(),
  })
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, { message: 'message needs from or from_user_id', path: ['from'] });

export const WaStatus = z
  .looseObject({
    id: z.string().min(1).max(512),
    status: z.string().min(1).max(32),
    timestamp: unixSeconds,
    recipient_id: digits.optional(),
    recipient_user_id: z.string().min(1).max(256).optional(),
    errors: z.array(WaError).optional(),
  })
  .refine((s) => s.recipient_id !== undefined || s.recipient_user_id !== undefined, {
    message: 'status needs recipient_id or recipient_user_id',
    path: ['recipient_id'],
  });

export const WaValue = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({ display_phone_number: z.string().min(1), phone_number_id: z.string().min(1) }),
  contacts: z
    .array(z.looseObject({ wa_id: z.string().optional(), user_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() }))
    .optional(),
  // events are checked one by one in normalize, so one bad event does not sink its neighbours
  messages: z.array(z.unknown()).optional(),
  /** smb_message_echoes: what the business sent from the WhatsApp Business app (coexistence). */
  message_echoes: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const WaWebhook = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
      }),
    )
    .min(1),
});

export type WaWebhook = z.infer<typeof WaWebhook>;
export type WaValue = z.infer<typeof WaValue>;
export type WaMessage = z.infer<typeof WaMessage>;
export type WaStatus = z.infer<typeof WaStatus>;

export const WhatsAppCloudConfig = z
  .object({
    appSecret: secret(z.string().min(8)).describe('Meta app secret: key of the X-Hub-Signature-256 HMAC'),
    verifyToken: secret(z.string().min(8)).describe('Token Meta echoes in the GET subscription handshake'),
    accessToken: secret(z.string().min(8))
      .optional()
      .describe('System-user access token for downloading media (GET /{media-id}); without it attachments stay references'),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default('v21.0')
      .describe('Graph API version'),
  })
  .strict();
export type WhatsAppCloudConfig = z.infer<typeof WhatsAppCloudConfig>;
