import { ConfigError, RejectedInputError } from '@custody/errors';
import { safeEqual, type WebhookRequest } from '@custody/connector-kit';
import type { TelegramBotConfig } from './types';

/** Telegram does not sign bodies: it echoes the setWebhook secret_token in a header on every delivery. */
export function verifyTelegramSecret(req: WebhookRequest, config: TelegramBotConfig): void {
  // an instance set up without it cannot tell Telegram from anyone else: refuse (500, Telegram retries) and say why in the log
  if (!config.secretToken) throw new ConfigError('telegram-bot: secretToken is not configured, so webhook deliveries cannot be verified and are refused');
  const header = req.headers['x-telegram-bot-api-secret-token'];
  if (!header) throw new RejectedInputError('signature_missing', 'X-Telegram-Bot-Api-Secret-Token header is missing', 401);
  if (!safeEqual(header, config.secretToken)) throw new RejectedInputError('signature_invalid', 'X-Telegram-Bot-Api-Secret-Token does not match', 401);
}
