import type { EnvelopeDraft, Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import type { TgChat, TgMessage } from './types';

/** Service messages without an actor (e.g. a chat migrated) are archived under this participant. */
export const SYSTEM: Participant = { kind: 'handle', value: 'telegram', displayName: 'Telegram' };

export interface ChatScope {
  chat: Required<Pick<TgChat, 'id' | 'type'>> & TgChat;
  account?: Participant;
  /** The export folder: media paths in messages are relative to it. */
  dir: string;
}

/** Telegram Desktop's own peer ids (`user123`, `chat123`, `channel123`), the form the bot connector writes too. */
export function handle(id: string, name: string | null | undefined): Participant {
  return { kind: 'handle', value: id, platformId: id, ...(name ? { displayName: name } : {}) };
}

export function senderOf(m: TgMessage, location: string): Participant {
  if (!m.from_id) throw new RejectedInputError('missing_sender', `${location}: message has no from_id`);
  return handle(m.from_id, m.from);
}

export function actorOf(m: TgMessage): Participant | undefined {
  return m.actor_id ? handle(m.actor_id, m.actor) : undefined;
}

/** The chat as a participant: a private chat's id is the other user's, a basic group is `chat<id>`, supergroups and channels `channel<id>`. */
export function chatParticipant(chat: ChatScope['chat']): Participant {
  const prefix = isPrivate(chat.type) || chat.type === 'saved_messages' ? 'user' : /supergroup|channel/.test(chat.type) ? 'channel' : 'chat';
  return handle(`${prefix}${chat.id}`, chat.name);
}

export function isPrivate(type: string): boolean {
  return type === 'personal_chat' || type === 'bot_chat';
}

/** A private chat's id is the other user's id; in groups only the exporting account is known to have received it. */
export function recipientsOf(scope: ChatScope, sender: Participant): Participant[] {
  const { chat, account } = scope;
  if (chat.type === 'saved_messages') return [];
  const peer = isPrivate(chat.type) ? chatParticipant(chat) : undefined;
  return [peer, account].filter((p): p is Participant => p !== undefined && p.value !== sender.value);
}

export function direction(account: Participant | undefined, sender: Participant): EnvelopeDraft['direction'] {
  if (!account) return 'unknown';
  if (account.value === sender.value) return 'outbound';
  return account.kind === 'handle' && /^user\d+$/.test(account.value) ? 'inbound' : 'unknown';
}
