import type { Attachment, EnvelopeDraft, Participant, ServiceAction } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { SYSTEM, actorOf, chatParticipant, direction, isPrivate, recipientsOf, type ChatScope } from './participants';
import type { TgMessage } from './types';

/** What messageDrafts has already built for any record of the message. */
export type Common = Omit<EnvelopeDraft, 'kind' | 'sender' | 'recipients' | 'direction'>;

/** Telegram Desktop writes no `action` for a custom service text (ActionCustomAction), only `information_text`. */
const CUSTOM_ACTION = 'custom_action';

/**
 * Fields every message has, and those a service message's structured fields take over (the
 * action, its actor, title and target, the text, the photo kept as an attachment); everything
 * else the export wrote for the action is kept as its details, as given.
 */
const STRUCTURED = new Set([
  'id',
  'type',
  'date',
  'date_unixtime',
  'edited',
  'edited_unixtime',
  'actor',
  'actor_id',
  'action',
  'title',
  'new_title',
  'text',
  'text_entities',
  'information_text',
  'photo',
]);
/** Where the export puts the message an action points at (a pin, a game score, a payment's invoice). */
const TARGETS = ['message_id', 'game_message_id', 'invoice_message_id'] as const;

/**
 * A service message: calls are `call` records between their parties; anything else (pins, joins,
 * renames…) is a `status` whose `content.action` holds the vendor's action and its target as data.
 * The export names members only by display name, so their names stay in the details as given.
 */
export function serviceDraft(
  m: TgMessage,
  common: Common,
  scope: ChatScope,
  convId: string,
  location: string,
  text: string,
  attachments: Attachment[],
): EnvelopeDraft {
  const format = `telegram/service/${m.action ?? CUSTOM_ACTION}`;
  const given = text || m.information_text;
  const content = { ...(given ? { text: given } : {}), format };
  if (m.action === 'phone_call') return phoneCall(m, common, scope, location, content);
  if (m.action === 'group_call') return groupCall(m, common, scope, location, content);
  const actor = actorOf(m);
  const targetMessageId = target(m, convId);
  const action: ServiceAction = {
    type: m.action ?? CUSTOM_ACTION,
    ...(actor ? { actor } : {}),
    ...(targetMessageId ? { targetMessageId } : {}),
    ...((m.title ?? m.new_title) !== undefined ? { title: m.title ?? m.new_title } : {}),
    ...details(m, targetMessageId !== undefined),
  };
  return {
    ...common,
    kind: 'status',
    sender: actor ?? SYSTEM,
    recipients: [],
    direction: 'unknown',
    content: { ...content, action },
    ...(attachments.length ? { attachments } : {}),
  };
}

/** One-to-one call: the actor placed it; the other party is the other end of the private chat. */
function phoneCall(m: TgMessage, common: Common, scope: ChatScope, location: string, content: EnvelopeDraft['content']): EnvelopeDraft {
  const caller = actorOf(m);
  if (!caller || !isPrivate(scope.chat.type)) {
    throw new RejectedInputError('call_party_unknown', `${location}: a phone_call needs its caller (actor_id) and a private chat to name the other party`);
  }
  const peer = chatParticipant(scope.chat);
  // conversationId has already required the account for private chats
  const callee = caller.value === peer.value ? scope.account! : peer;
  return callDraft(common, scope, caller, callee, content, {
    // the export omits discard_reason when Telegram gave none
    status: m.discard_reason ?? 'unknown',
    ...(m.duration_seconds !== undefined ? { durationSec: m.duration_seconds } : {}),
  });
}

/** Group video chat: started by the actor, held in the chat; the export adds `duration` once it ended. */
function groupCall(m: TgMessage, common: Common, scope: ChatScope, location: string, content: EnvelopeDraft['content']): EnvelopeDraft {
  const caller = actorOf(m);
  if (!caller) throw new RejectedInputError('call_party_unknown', `${location}: a group_call needs the member who started it (actor_id)`);
  return callDraft(common, scope, caller, chatParticipant(scope.chat), content, {
    status: m.duration !== undefined ? 'ended' : 'started',
    ...(m.duration !== undefined ? { durationSec: m.duration } : {}),
  });
}

function callDraft(
  common: Common,
  scope: ChatScope,
  from: Participant,
  to: Participant,
  content: EnvelopeDraft['content'],
  call: { status: string; durationSec?: number },
): EnvelopeDraft {
  const recipients = isPrivate(scope.chat.type) ? [to] : recipientsOf(scope, from);
  return { ...common, kind: 'call', sender: from, recipients, direction: direction(scope.account, from), content, call: { ...call, from, to } };
}

/** A target in another chat (reply_to_peer_id) has no id in this conversation: it stays in the details. */
function target(m: TgMessage, convId: string): string | undefined {
  const id = TARGETS.map((k) => m[k]).find((v) => v !== undefined);
  return id !== undefined && m.reply_to_peer_id === undefined ? `${convId}:${id}` : undefined;
}

function details(m: TgMessage, targetTaken: boolean): Pick<ServiceAction, 'details'> {
  const taken = (k: string) => STRUCTURED.has(k) || (targetTaken && (TARGETS as readonly string[]).includes(k));
  const rest = Object.entries(m).filter(([k]) => !taken(k));
  return rest.length ? { details: Object.fromEntries(rest) } : {};
}
