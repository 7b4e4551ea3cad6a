import type { Participant } from '@custody/envelope';
import type { TgChat, TgUser } from './types';

/** Bot API chat ids of supergroups and channels are -100 followed by the peer's own id; basic groups are minus theirs. */
const CHANNEL_OFFSET = 1_000_000_000_000;

/**
 * Telegram's peer ids as Telegram Desktop exports them (`user123`, `chat123`, `channel123`), so the
 * same person is one identifier across this connector and the export importer; the @username can
 * change hands and is only shown, beside the name.
 */
export function userParticipant(u: TgUser): Participant {
  return handle(`user${u.id}`, shown([u.first_name, u.last_name].filter(Boolean).join(' '), u.username));
}

export function chatParticipant(c: TgChat): Participant {
  return handle(peerId(c.id), shown(c.title ?? [c.first_name, c.last_name].filter(Boolean).join(' '), c.username));
}

/** The bot is a Telegram user too. */
export function botParticipant(botId: string): Participant {
  return handle(`user${botId}`);
}

function peerId(chatId: number): string {
  if (chatId > 0) return `user${chatId}`;
  return -chatId > CHANNEL_OFFSET ? `channel${-chatId - CHANNEL_OFFSET}` : `chat${-chatId}`;
}

function handle(id: string, displayName?: string): Participant {
  return { kind: 'handle', value: id, platformId: id, ...(displayName ? { displayName } : {}) };
}

function shown(name: string, username: string | undefined): string | undefined {
  const at = username ? `@${username}` : '';
  return name && at ? `${name} (${at})` : name || at || undefined;
}
