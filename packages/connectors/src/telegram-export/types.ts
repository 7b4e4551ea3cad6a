import { z } from 'zod';

// Telegram Desktop adds fields between versions and the message JSON is archived verbatim, so
// objects are loose; what a record needs is checked strictly.
const unixSeconds = z.string().regex(/^\d{1,12}$/, 'unix seconds as a string of digits');

export const TgTextPart = z.union([z.string(), z.looseObject({ type: z.string(), text: z.string() })]);

export const TgMessage = z.looseObject({
  id: z.number().int(),
  type: z.string().min(1),
  date: z.string().optional(),
  date_unixtime: unixSeconds.optional(),
  edited: z.string().optional(),
  edited_unixtime: unixSeconds.optional(),
  from: z.string().nullable().optional(),
  from_id: z.string().min(1).max(256).optional(),
  actor: z.string().nullable().optional(),
  actor_id: z.string().min(1).max(256).optional(),
  action: z.string().optional(),
  title: z.string().optional(),
  members: z.array(z.string().nullable()).optional(),
  // phone_call and group_call service messages
  duration_seconds: z.number().int().nonnegative().optional(),
  discard_reason: z.string().optional(),
  duration: z.number().int().nonnegative().optional(),
  // the message a pin (message_id), game score or payment (game_message_id, invoice_message_id) points at
  message_id: z.number().int().optional(),
  game_message_id: z.number().int().optional(),
  invoice_message_id: z.number().int().optional(),
  reply_to_peer_id: z.string().optional(),
  information_text: z.string().optional(),
  new_title: z.string().optional(),
  text: z.union([z.string(), z.array(TgTextPart)]).optional(),
  text_entities: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
  reply_to_message_id: z.number().int().optional(),
  photo: z.string().optional(),
  file: z.string().optional(),
  file_name: z.string().optional(),
  media_type: z.string().optional(),
  mime_type: z.string().optional(),
});
export type TgMessage = z.infer<typeof TgMessage>;

/** Chat fields written before its messages: `{"name": …, "type": …, "id": …, "messages": [` */
export interface TgChat {
  name?: string | null;
  type?: string;
  id?: number;
}

export const TgChatField = z.union([z.string(), z.number().int(), z.null()]);

export const TgPersonalInformation = z.looseObject({
  user_id: z.number().int().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  phone_number: z.string().optional(),
  username: z.string().optional(),
});
