import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, toE164, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import type { z } from 'zod';
import { ReceiveParams, SignalDataMessage, SignalEnvelope, SignalNotification, type SignalParsed } from './types';

const CONNECTOR = 'signal';

/** Everything about one envelope that does not depend on the data message inside it. */
interface Frame {
  ctx: NormalizeContext;
  account: string;
  authorKey: string;
  sender: Participant;
  recipients: Participant[];
  conversation: EnvelopeDraft['conversation'];
  direction: EnvelopeDraft['direction'];
}

/**
 * Signal identifies a message by its author and sent timestamp, so external ids are
 * `${authorNumberOrUuid}:${timestamp}` and references (quotes, reactions, deletes, edits) are built
 * the same way. Receipts, typing, calls, stories and other sync messages are not archived.
 */
export function normalizeSignal(parsed: SignalParsed, ctx: NormalizeContext): NormalizeResult[] {
  return parsed.notifications.flatMap((n) =>
    isolateEvent(n.path, () => {
      if (n.error) throw n.error;
      return notificationDrafts(n.value, parsed.account, ctx, n.at);
    }),
  );
}

function notificationDrafts(value: unknown, configAccount: string | undefined, ctx: NormalizeContext, at: string): EnvelopeDraft[] {
  const note = checked(SignalNotification, value, at.slice(0, -1));
  if (note.method !== 'receive') return [];
  const params = checked(ReceiveParams, note.params, `${at}params`);
  const inner = params.result ?? params;
  const envPath = params.result ? `${at}params.result.envelope` : `${at}params.envelope`;
  const account = resolveAccount(inner.account, configAccount, `${envPath.slice(0, -'envelope'.length)}account`);
  const env = checked(SignalEnvelope, inner.envelope, envPath);
  const self: Participant = { kind: 'phone', value: account };

  const sent = env.syncMessage?.sentMessage;
  if (sent) {
    const sentPath = `${envPath}.syncMessage.sentMessage`;
    const data = sent.editMessage ? sent.editMessage.dataMessage : checked(SignalDataMessage, sent, sentPath);
    const group = data.groupInfo ?? sent.groupInfo;
    const dest = party(sent.destinationNumber, sent.destinationUuid, sent.destination, `${sentPath}.destinationNumber`);
    if (!group && !dest) throw new RejectedInputError('schema_violation', `signal webhook: ${sentPath}.destination: a direct message needs a destination`);
    const frame: Frame = {
      ctx,
      account,
      authorKey: account,
      sender: { ...self, platformId: env.sourceUuid ?? undefined },
      recipients: dest ? [dest.participant] : [],
      conversation: conversation(account, group, dest?.key),
      direction: 'outbound',
    };
    return sent.editMessage
      ? [messageDraft(sent.editMessage.dataMessage, frame, `${sentPath}.editMessage.dataMessage`, sent.editMessage.targetSentTimestamp)]
      : drafts(data, frame, sentPath);
  }

  const data = env.editMessage?.dataMessage ?? env.dataMessage;
  if (!data) return [];
  const author = party(env.sourceNumber, env.sourceUuid, env.source, `${envPath}.sourceNumber`);
  if (!author) throw new RejectedInputError('schema_violation', `signal webhook: ${envPath}.source: the sender has neither a number nor a uuid`);
  const frame: Frame = {
    ctx,
    account,
    authorKey: author.key,
    sender: { ...author.participant, displayName: env.sourceName || undefined },
    recipients: [self],
    conversation: conversation(account, data.groupInfo, author.key),
    // the owner's own messages reach signal-cli as data messages too (note to self, linked devices)
    direction: author.key === account ? 'outbound' : 'inbound',
  };
  if (env.editMessage) return [messageDraft(env.editMessage.dataMessage, frame, `${envPath}.editMessage.dataMessage`, env.editMessage.targetSentTimestamp)];
  return drafts(data, frame, `${envPath}.dataMessage`);
}

function resolveAccount(reported: string | null | undefined, configured: string | undefined, field: string): string {
  if (!reported) {
    if (configured) return configured;
    throw new RejectedInputError('schema_violation', `signal webhook: ${field}: required when no connector config names the account`);
  }
  const account = toE164(reported, field);
  // a multi-account daemon forwards every account's traffic: archive only the configured one here
  if (configured && account !== configured)
    throw new RejectedInputError('account_mismatch', `signal webhook: ${field}: notification is for ${account}, this connector archives ${configured}`);
  return account;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, at: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${[at, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `signal webhook: ${issues.join('; ')}`);
  }
  return r.data;
}

/** A Signal address: the E.164 number when known (phone-number privacy can hide it), else the ACI uuid. */
function party(
  number: string | null | undefined,
  uuid: string | null | undefined,
  legacy: string | null | undefined,
  field: string,
): { key: string; participant: Participant } | undefined {
  const phone = number || (legacy?.startsWith('+') ? legacy : undefined);
  if (phone) {
    const e164 = toE164(phone, field);
    return { key: e164, participant: { kind: 'phone', value: e164, platformId: uuid || undefined } };
  }
  const id = uuid || legacy;
  return id ? { key: id, participant: { kind: 'handle', value: id, platformId: id } } : undefined;
}

function conversation(account: string, group: SignalDataMessage['groupInfo'], other: string | undefined): EnvelopeDraft['conversation'] {
  if (group) return { id: `signal:${account}:group:${group.groupId}`, type: 'group', title: group.groupName || undefined };
  return { id: `signal:${account}:${other}`, type: 'direct' };
}

function base(data: SignalDataMessage, f: Frame, at: string) {
  return {
    tenant: f.ctx.tenant,
    channel: 'signal' as const,
    source: {
      connector: CONNECTOR,
      externalId: `${f.authorKey}:${data.timestamp}`,
      accountId: f.account,
      receivedAt: f.ctx.receivedAt.toISOString(),
      raw: rawSource(f.ctx.raw),
    },
    conversation: f.conversation,
    sender: f.sender,
    recipients: f.recipients,
    direction: f.direction,
    sentAt: vendorTime(data.timestamp, 'ms', f.ctx.receivedAt, `${at}.timestamp`),
    capturedAt: f.ctx.receivedAt.toISOString(),
  };
}

function drafts(data: SignalDataMessage, f: Frame, at: string): EnvelopeDraft[] {
  if (data.reaction) {
    const r = data.reaction;
    const target = party(r.targetAuthorNumber, r.targetAuthorUuid, r.targetAuthor, `${at}.reaction.targetAuthorNumber`);
    if (!target)
      throw new RejectedInputError('schema_violation', `signal webhook: ${at}.reaction.targetAuthor: the reacted-to author has neither a number nor a uuid`);
    return [{ ...base(data, f, at), kind: 'reaction', refs: { reactsTo: `${target.key}:${r.targetSentTimestamp}`, emoji: r.isRemove ? '' : r.emoji } }];
  }
  // "delete for everyone" can only target the deleter's own message
  // a message's id is its sent timestamp, so a deletion and an edit also say when the original was sent
  if (data.remoteDelete) {
    const originalSentAt = vendorTime(data.remoteDelete.timestamp, 'ms', f.ctx.receivedAt, `${at}.remoteDelete.timestamp`);
    return [{ ...base(data, f, at), kind: 'deletion', refs: { deletes: `${f.authorKey}:${data.remoteDelete.timestamp}`, originalSentAt } }];
  }
  const hasContent = data.message || data.attachments?.length || data.sticker || data.contacts?.length || data.quote;
  // timer changes and group metadata updates are control messages, not communications
  if (!hasContent && (data.isExpirationUpdate || data.groupInfo?.type === 'UPDATE')) return [];
  return [messageDraft(data, f, at)];
}

function messageDraft(data: SignalDataMessage, f: Frame, at: string, edits?: number): EnvelopeDraft {
  const common = base(data, f, at);
  const quote = data.quote ? party(data.quote.authorNumber, data.quote.authorUuid, data.quote.author, `${at}.quote.authorNumber`) : undefined;
  const replyTo = quote && data.quote ? `${quote.key}:${data.quote.id}` : undefined;
  const format = data.message
    ? 'signal/text'
    : data.sticker
      ? 'signal/sticker'
      : data.attachments?.length
        ? 'signal/attachment'
        : data.contacts?.length
          ? 'signal/contacts'
          : 'signal/other';
  const original =
    edits !== undefined
      ? { edits: `${f.authorKey}:${edits}`, originalSentAt: vendorTime(edits, 'ms', f.ctx.receivedAt, at.replace(/dataMessage$/, 'targetSentTimestamp')) }
      : undefined;
  const refs = original ? { ...original, ...(replyTo && { replyTo }) } : replyTo ? { replyTo } : undefined;
  const all = [...(attachments(data, common.source.externalId) ?? []), ...sticker(data, common.source.externalId)];
  return {
    ...common,
    kind: edits !== undefined ? 'edit' : 'message',
    content: { text: data.message ?? contactsText(data), format },
    attachments: all.length ? all : undefined,
    refs,
  };
}

/** A sticker of a pack: the reference names pack and sticker (signal-cli keeps sticker files apart from attachments, so nothing is fetched). */
function sticker(data: SignalDataMessage, externalId: string): Attachment[] {
  const s = data.sticker;
  if (!s?.packId || s.stickerId == null) return [];
  return [{ id: `${externalId}:sticker`, kind: 'sticker', sourceRef: `signal-sticker:${s.packId}/${s.stickerId}` }];
}

/** Shared contact cards as searchable text: name, organization, numbers, addresses. */
function contactsText(data: SignalDataMessage): string | undefined {
  const cards = (data.contacts ?? []).map((c) =>
    [
      c.name?.display || [c.name?.given, c.name?.family].filter(Boolean).join(' '),
      c.organization,
      ...(c.phone ?? []).map((p) => p.value),
      ...(c.email ?? []).map((e) => e.value),
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return cards.filter(Boolean).join('\n\n') || undefined;
}

function attachments(data: SignalDataMessage, externalId: string): Attachment[] | undefined {
  if (!data.attachments?.length) return undefined;
  return data.attachments.map((a, j) => ({
    // signal-cli leaves id null for an attachment it could not download: keep the record, without a way to fetch it
    id: a.id ?? `${externalId}:${j}`,
    kind: kindOf(a.contentType),
    mimeType: a.contentType ?? undefined,
    fileName: a.filename ?? undefined,
    size: a.size ?? undefined,
    sourceRef: a.id ? `signal-attachment:${a.id}` : undefined,
    caption: a.caption ?? undefined,
  }));
}

function kindOf(mime: string | null | undefined): Attachment['kind'] {
  const top = mime?.split('/')[0]?.toLowerCase();
  return top === 'image' ? 'image' : top === 'video' ? 'video' : top === 'audio' ? 'audio' : 'document';
}
