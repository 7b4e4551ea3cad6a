import { RejectedInputError } from '@custody/errors';
import { formatIssues, type Attachment, type EnvelopeDraft, type Participant } from '@custody/envelope';
import { isolateEvent, rawSource, toE164, vendorDigest, vendorDigests, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import type { z } from 'zod';
import { WaMessage, WaStatus, WaValue, type WaWebhook } from './types';

const CONNECTOR = 'whatsapp-cloud';
const MEDIA_KINDS = { image: 'image', video: 'video', audio: 'audio', document: 'document', sticker: 'sticker' } as const;
type MediaType = keyof typeof MEDIA_KINDS;
// own keys only: a vendor type named "constructor" or "toString" must not look like media
const isMediaType = (type: string): type is MediaType => Object.hasOwn(MEDIA_KINDS, type);

interface Account {
  business: Participant;
  phoneNumberId: string;
  names: Map<string, string>;
}

/** One webhook may carry several changes, each with several messages and statuses: one envelope each. */
export function normalizeWhatsApp(payload: WaWebhook, ctx: NormalizeContext): NormalizeResult[] {
  const drafts: NormalizeResult[] = [];
  payload.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      // Other fields (template status, account updates) are account events, not communications.
      if (change.field !== 'messages' && change.field !== 'smb_message_echoes') return;
      const parsed = WaValue.safeParse(change.value);
      if (!parsed.success)
        throw new RejectedInputError('schema_violation', `whatsapp webhook: entry.${e}.changes.${c}.value: ${formatIssues(parsed.error.issues)}`);
      const value = parsed.data;
      const account: Account = {
        business: {
          kind: 'phone',
          value: toE164(value.metadata.display_phone_number, `entry.${e}.changes.${c}.value.metadata.display_phone_number`),
          platformId: value.metadata.phone_number_id,
        },
        phoneNumberId: value.metadata.phone_number_id,
        names: new Map((value.contacts ?? []).flatMap((ct) => [ct.wa_id, ct.user_id].filter(Boolean).map((id) => [id!, ct.profile?.name ?? ''] as const))),
      };
      const at = `entry.${e}.changes.${c}.value`;
      for (const list of ['messages', 'message_echoes'] as const) {
        (value[list] ?? []).forEach((m, i) => {
          const path = `${at}.${list}.${i}`;
          drafts.push(...isolateEvent(path, () => messageDraft(checked(WaMessage, m, path), account, ctx, path)));
        });
      }
      (value.statuses ?? []).forEach((st, i) => {
        const path = `${at}.statuses.${i}`;
        drafts.push(...isolateEvent(path, () => statusDraft(checked(WaStatus, st, path), account, ctx, path)));
      });
    }),
  );
  return drafts;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${[path, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `whatsapp webhook: ${issues.join('; ')}`);
  }
  return r.data;
}

function customer(phone: string | undefined, userId: string | undefined, account: Account, field: string): Participant {
  const displayName = account.names.get(phone ?? '') || account.names.get(userId ?? '') || undefined;
  if (phone) return { kind: 'phone', value: toE164(phone, field), platformId: userId ?? phone, displayName };
  return { kind: 'handle', value: userId!, platformId: userId, displayName };
}

function base(ctx: NormalizeContext, account: Account, externalId: string, sentAt: string, other: Participant) {
  return {
    tenant: ctx.tenant,
    channel: 'whatsapp' as const,
    source: { connector: CONNECTOR, externalId, accountId: account.phoneNumberId, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
    conversation: { id: `whatsapp:${account.phoneNumberId}:${other.platformId ?? other.value}`, type: 'direct' as const },
    sentAt,
    capturedAt: ctx.receivedAt.toISOString(),
  };
}

/**
 * Direction is the business number's own side: what it received is inbound, what it sent (echoes
 * of messages sent from the WhatsApp Business app, from = the business number) outbound.
 */
function messageDraft(m: WaMessage, account: Account, ctx: NormalizeContext, at: string): EnvelopeDraft {
  const sentAt = vendorTime(Number(m.timestamp), 's', ctx.receivedAt, `${at}.timestamp`);
  const sentByFirm = m.from !== undefined && toE164(m.from, `${at}.from`) === account.business.value;
  if (sentByFirm && m.to === undefined && m.to_user_id === undefined)
    throw new RejectedInputError('schema_violation', `${at}.to: required when the business number sent the message`);
  const other = sentByFirm ? customer(m.to, m.to_user_id, account, `${at}.to`) : customer(m.from, m.from_user_id, account, `${at}.from`);
  const common = {
    ...base(ctx, account, m.id, sentAt, other),
    ...(sentByFirm
      ? { sender: account.business, recipients: [other], direction: 'outbound' as const }
      : { sender: other, recipients: [account.business], direction: 'inbound' as const }),
  };
  if (m.type === 'reaction') {
    if (!m.reaction) throw new RejectedInputError('schema_violation', `${at}.reaction: required for type reaction`);
    return { ...common, kind: 'reaction', refs: { reactsTo: m.reaction.message_id, emoji: m.reaction.emoji ?? '' } };
  }
  if (m.type === 'revoke') {
    if (!m.revoke) throw new RejectedInputError('schema_violation', `${at}.revoke: required for type revoke`);
    // dated when it was revoked; the original keeps its own record and time
    return { ...common, kind: 'deletion', content: { format: 'whatsapp/revoke' }, refs: { deletes: m.revoke.original_message_id } };
  }
  if (m.type === 'edit') {
    if (!m.edit) throw new RejectedInputError('schema_violation', `${at}.edit: required for type edit`);
    // the new version, read as the message it now is: same sender and time of the edit, its own id
    const edited = checked(
      WaMessage,
      { ...m.edit.message, id: m.id, timestamp: m.timestamp, from: m.from, from_user_id: m.from_user_id },
      `${at}.edit.message`,
    );
    const path = `${at}.edit.message`;
    return {
      ...common,
      kind: 'edit',
      content: content(edited, path),
      attachments: attachments(edited, path),
      refs: { edits: m.edit.original_message_id, ...(edited.context?.id && { replyTo: edited.context.id }) },
    };
  }
  const refs = m.context?.id ? { replyTo: m.context.id } : undefined;
  return { ...common, kind: 'message', content: content(m, at), attachments: attachments(m, at), refs };
}

function content(m: WaMessage, at: string): EnvelopeDraft['content'] {
  switch (m.type) {
    case 'text':
      if (!m.text) throw new RejectedInputError('schema_violation', `${at}.text: required for type text`);
      return { text: m.text.body, format: 'whatsapp/text' };
    case 'location': {
      const l = m.location;
      if (!l) throw new RejectedInputError('schema_violation', `${at}.location: required for type location`);
      return { text: [l.name, l.address, `${l.latitude},${l.longitude}`].filter(Boolean).join('\n'), format: 'whatsapp/location' };
    }
    case 'button':
      return { text: m.button?.text ?? m.button?.payload, format: 'whatsapp/button' };
    case 'interactive': {
      // the user's choice from a button or list, or a flow's answer: what they picked is the communication
      const i = m.interactive;
      const reply = i?.button_reply ?? i?.list_reply;
      const text = reply
        ? [reply.title, i?.list_reply?.description].filter(Boolean).join('\n')
        : [i?.nfm_reply?.body, i?.nfm_reply?.response_json].filter(Boolean).join('\n');
      return { text: text || undefined, format: 'whatsapp/interactive' };
    }
    case 'contacts': {
      // shared contact cards: names, numbers, addresses and company as searchable text (the full cards stay in source.raw)
      const cards = (m.contacts ?? []).map((c) =>
        [c.name?.formatted_name, c.org?.company, ...(c.phones ?? []).map((p) => p.phone ?? p.wa_id), ...(c.emails ?? []).map((e) => e.email)]
          .filter(Boolean)
          .join('\n'),
      );
      return { text: cards.filter(Boolean).join('\n\n') || undefined, format: 'whatsapp/contacts' };
    }
    case 'system':
      // e.g. "User A changed from +1… to +1…": the notice WhatsApp shows in the chat
      return { text: m.system?.body, format: 'whatsapp/system' };
    default: {
      const media = isMediaType(m.type) ? m[m.type] : undefined;
      if (media) return { text: media.caption, format: `whatsapp/${m.type}` };
      // Types we do not model (order, unsupported, …) are archived, not dropped:
      // the vendor JSON is in source.raw and the error title, if any, becomes searchable text.
      const errors = (m.errors ?? [])
        .map((err) => err.title ?? err.message)
        .filter(Boolean)
        .join('; ');
      return { text: errors || undefined, format: `whatsapp/${m.type}` };
    }
  }
}

function attachments(m: WaMessage, at: string): Attachment[] | undefined {
  if (!isMediaType(m.type)) return undefined;
  const kind = MEDIA_KINDS[m.type];
  const media = m[m.type];
  if (!media) throw new RejectedInputError('schema_violation', `${at}.${m.type}: required for type ${m.type}`);
  return [
    {
      id: media.id,
      kind: kind === 'audio' && media.voice ? 'voice' : kind,
      mimeType: media.mime_type,
      fileName: media.filename,
      sha256: media.sha256,
      // Meta's sha256 of the file (base64 in webhooks): the media worker checks the download against it
      ...vendorDigests(vendorDigest('sha256', media.sha256)),
      sourceRef: `whatsapp-media:${media.id}`,
      caption: media.caption,
    },
  ];
}

function statusDraft(s: WaStatus, account: Account, ctx: NormalizeContext, at: string): EnvelopeDraft {
  const recipient = customer(s.recipient_id, s.recipient_user_id, account, `${at}.recipient_id`);
  const sentAt = vendorTime(Number(s.timestamp), 's', ctx.receivedAt, `${at}.timestamp`);
  const errors = (s.errors ?? []).map((err) => `${err.code} ${err.title ?? err.message ?? ''}`.trim()).join('; ');
  return {
    ...base(ctx, account, `${s.id}:${s.status}`, sentAt, recipient),
    kind: 'status',
    sender: account.business,
    recipients: [recipient],
    direction: 'outbound',
    content: errors ? { text: errors, format: 'whatsapp/status' } : undefined,
    refs: { statusOf: s.id, status: s.status },
  };
}
