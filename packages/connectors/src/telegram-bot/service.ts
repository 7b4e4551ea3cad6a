import type { EnvelopeDraft, ServiceAction } from '@custody/envelope';
import { chatParticipant, userParticipant } from './participants';
import type { TgMessage } from './types';

/**
 * The Bot API fields that make a message a service message (members joining or leaving, a pin, a
 * rename, a video chat…), in the order they are looked for. Each field's name is the action type.
 */
export const SERVICE_FIELDS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'channel_chat_created',
  'message_auto_delete_timer_changed',
  'migrate_to_chat_id',
  'migrate_from_chat_id',
  'pinned_message',
  'video_chat_scheduled',
  'video_chat_started',
  'video_chat_ended',
  'video_chat_participants_invited',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'general_forum_topic_hidden',
  'general_forum_topic_unhidden',
  'write_access_allowed',
  'users_shared',
  'chat_shared',
  'connected_website',
  'proximity_alert_triggered',
  'boost_added',
  'chat_background_set',
  'successful_payment',
  'refunded_payment',
  'giveaway_created',
  'giveaway_completed',
  'web_app_data',
] as const;
export type ServiceField = (typeof SERVICE_FIELDS)[number];

export function serviceField(m: TgMessage): ServiceField | undefined {
  return SERVICE_FIELDS.find((f) => m[f] !== undefined);
}

/** Fields whose whole content becomes structured data (members, title, target, an attachment) or is only a flag (`true`). */
const TAKEN = new Set<ServiceField>([
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'pinned_message',
  'video_chat_participants_invited',
]);

/**
 * What the service message did, as data: its actor, the members it names, the new title, the
 * pinned message's record id; any other content of the field kept as the vendor gave it.
 */
export function serviceAction(
  m: TgMessage,
  field: ServiceField,
  actor: ServiceAction['actor'],
  ref: (chatId: number, messageId: number) => string,
): ServiceAction {
  const users = m.new_chat_members ?? (m.left_chat_member ? [m.left_chat_member] : m.video_chat_participants_invited?.users);
  const title = m.new_chat_title ?? m.forum_topic_created?.name ?? m.forum_topic_edited?.name;
  const value = m[field];
  return {
    type: field,
    ...(actor ? { actor } : {}),
    ...(m.pinned_message ? { targetMessageId: ref(m.pinned_message.chat.id, m.pinned_message.message_id) } : {}),
    ...(users ? { members: users.map(userParticipant) } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(!TAKEN.has(field) && value !== true ? { details: { [field]: value } } : {}),
  };
}

/** A group video chat, when it started or ended: a call from the member who did it, to the chat. */
export function videoChatCall(m: TgMessage, field: ServiceField, sender: EnvelopeDraft['sender']): EnvelopeDraft['call'] | undefined {
  if (field !== 'video_chat_started' && field !== 'video_chat_ended') return undefined;
  const ended = m.video_chat_ended;
  return { status: ended ? 'ended' : 'started', ...(ended ? { durationSec: ended.duration } : {}), from: sender, to: chatParticipant(m.chat) };
}
