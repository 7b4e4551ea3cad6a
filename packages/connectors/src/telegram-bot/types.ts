import { z } from 'zod';
import { secret } from '@custody/connector-kit';

// Vendor objects are loose: Telegram adds fields with every Bot API release, and the whole update
// is archived verbatim in source.raw, so an additive change must not stop capture. Required fields are strict.
const id = z.int();
const unixSeconds = z.int().positive();

export const TgUser = z.looseObject({
  id,
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().min(1).max(64).optional(),
});

export const TgChat = z.looseObject({
  id,
  type: z.string().min(1).max(32),
  title: z.string().max(1024).optional(),
  username: z.string().min(1).max(64).optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const TgFile = z.looseObject({
  file_id: z.string().min(1).max(512),
  file_unique_id: z.string().min(1).max(512),
  file_size: z.int().nonnegative().optional(),
});

export const TgPhotoSize = TgFile.extend({ width: z.int().nonnegative(), height: z.int().nonnegative() });
export const TgMediaFile = TgFile.extend({ file_name: z.string().optional(), mime_type: z.string().optional() });

const TgEntity = z.looseObject({ type: z.string(), offset: z.int().nonnegative(), length: z.int().nonnegative() });

export const TgMessage = z
  .looseObject({
    message_id: id,
    date: unixSeconds,
    chat: TgChat,
    from: TgUser.optional(),
    /** Set instead of (or beside a placeholder) `from` when a chat speaks: channel posts, anonymous group admins. */
    sender_chat: TgChat.optional(),
    edit_date: unixSeconds.optional(),
    text: z.string().optional(),
    entities: z.array(TgEntity).optional(),
    caption: z.string().optional(),
    caption_entities: z.array(TgEntity).optional(),
    photo: z.array(TgPhotoSize).min(1).optional(),
    document: TgMediaFile.optional(),
    voice: TgMediaFile.optional(),
    audio: TgMediaFile.optional(),
    video: TgMediaFile.optional(),
    video_note: TgMediaFile.optional(),
    sticker: TgMediaFile.extend({ emoji: z.string().optional() }).optional(),
    location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
    venue: z.looseObject({ title: z.string(), address: z.string() }).optional(),
    contact: z.looseObject({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() }).optional(),
    poll: z.looseObject({ question: z.string() }).optional(),
    reply_to_message: z.looseObject({ message_id: id, chat: z.looseObject({ id }).optional() }).optional(),
    // service messages: the fields normalize turns into structured data; the others are kept as given
    new_chat_members: z.array(TgUser).optional(),
    left_chat_member: TgUser.optional(),
    new_chat_title: z.string().optional(),
    new_chat_photo: z.array(TgPhotoSize).min(1).optional(),
    // a MaybeInaccessibleMessage: only its chat, id and date (0 when inaccessible) are certain
    pinned_message: z.looseObject({ message_id: id, chat: z.looseObject({ id }), date: z.int().nonnegative() }).optional(),
    video_chat_ended: z.looseObject({ duration: z.int().nonnegative() }).optional(),
    video_chat_participants_invited: z.looseObject({ users: z.array(TgUser) }).optional(),
    forum_topic_created: z.looseObject({ name: z.string() }).optional(),
    forum_topic_edited: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .refine((m) => m.from !== undefined || m.sender_chat !== undefined, { message: 'message needs from or sender_chat', path: ['from'] });

/** The update kinds that carry a communication; all others (callback queries, member changes, polls…) are not archived. */
export const MESSAGE_FIELDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const;
export type MessageField = (typeof MESSAGE_FIELDS)[number];

export const TgUpdate = z.looseObject({
  update_id: z.int().nonnegative(),
  // messages are checked one by one in normalize, so one bad message does not sink its neighbour
  message: z.unknown().optional(),
  edited_message: z.unknown().optional(),
  channel_post: z.unknown().optional(),
  edited_channel_post: z.unknown().optional(),
});

export type TgUpdate = z.infer<typeof TgUpdate>;
export type TgMessage = z.infer<typeof TgMessage>;
export type TgChat = z.infer<typeof TgChat>;
export type TgUser = z.infer<typeof TgUser>;

/**
 * Each setting is needed by one step only, so each is optional and that step refuses without it:
 * normalizing (e.g. `custody normalize --config`) needs only the bot id (botId, or botToken's prefix),
 * webhook verification the secretToken, media downloads the botToken.
 */
export const TelegramBotConfig = z
  .object({
    botToken: secret(z.string().regex(/^\d{1,20}:[\w-]{20,128}$/, 'a bot token of the form <bot id>:<secret>'))
      .describe(
        'Bot API token from @BotFather: authorizes getFile and file downloads (without it attachments stay references); its numeric prefix is the bot id',
      )
      .optional(),
    secretToken: secret(z.string().regex(/^[\w-]{16,256}$/, '16-256 characters from A-Z, a-z, 0-9, _ and -'))
      .describe('secret_token given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token. Without it no webhook delivery is accepted')
      .optional(),
    botId: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional()
      .describe('The bot user id; defaults to the numeric prefix of botToken'),
  })
  .strict()
  .refine((c) => c.botId !== undefined || c.botToken !== undefined, {
    message: 'botId or botToken is required: updates never name the bot they were delivered to',
    path: ['botId'],
  });
export type TelegramBotConfig = z.infer<typeof TelegramBotConfig>;

/** What parse hands to normalize: the update and the bot it was delivered to (updates never name the bot). */
export interface TelegramParsed {
  update: TgUpdate;
  botId: string;
}
