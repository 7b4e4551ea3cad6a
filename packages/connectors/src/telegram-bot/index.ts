import type { Connector } from '@custody/connector-kit';
import { connectorConfigRequired, parseJsonBody } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { TELEGRAM_EGRESS, fetchTelegramFile } from './media';
import { normalizeTelegram } from './normalize';
import { TelegramBotConfig, TgUpdate, type TelegramParsed } from './types';
import { verifyTelegramSecret } from './verify';

export const telegramBot: Connector<TelegramBotConfig, TelegramParsed> = {
  id: 'telegram-bot',
  channel: 'telegram',
  description: 'Telegram Bot API webhooks (messages, channel posts, edits, replies, photos, files, voice, stickers)',
  configSchema: TelegramBotConfig,
  verify: verifyTelegramSecret,
  parse(raw, contentType, config) {
    if (contentType && !/^application\/json\b/i.test(contentType)) {
      throw new RejectedInputError('unsupported_media_type', `telegram webhook: content-type must be application/json, got ${contentType}`, 415);
    }
    // updates never name the bot they were delivered to, and conversation ids need it
    if (!config)
      throw connectorConfigRequired('telegram-bot', TelegramBotConfig, "updates never name the bot that received them, the config's botToken or botId does");
    const update = parseJsonBody(raw, TgUpdate, 'telegram webhook');
    // the config schema requires one of the two
    return { update, botId: config.botId ?? config.botToken!.slice(0, config.botToken!.indexOf(':')) };
  },
  normalize: normalizeTelegram,
  // update_id is sequential per bot; it may skip (updates the bot is not subscribed to): recorded, never refused
  sequences: (parsed) => [parsed.update.update_id],
  fetchMedia: fetchTelegramFile,
  egress: TELEGRAM_EGRESS,
};
