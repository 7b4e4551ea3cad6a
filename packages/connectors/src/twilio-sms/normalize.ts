import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, toE164, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import { isHttpUrl } from '../twilio-shared';
import type { SmsForm } from './types';

const CONNECTOR = 'twilio-sms';
const MEDIA_SID = /^ME[0-9a-fA-F]{32}$/;
// statuses of a message the firm's number received; every other status is about one it sent
const INBOUND_STATUSES = new Set(['receiving', 'received']);

/** A Twilio webhook carries exactly one event: one envelope, or one RejectedEvent at path "form". */
export function normalizeTwilioSms(form: SmsForm, ctx: NormalizeContext): NormalizeResult[] {
  return isolateEvent('form', () => (form.MessageStatus !== undefined ? statusDraft(form, form.MessageStatus, ctx) : messageDraft(form, ctx)));
}

const phone = (value: string, field: string): Participant => ({ kind: 'phone', value: toE164(value, field) });

/**
 * SMS and MMS of one pair of numbers share a conversation (status callbacks cannot tell them apart),
 * so the id is prefixed "sms" for both: sms:<AccountSid>:<firm number>:<other party>.
 */
function base(form: SmsForm, ctx: NormalizeContext, externalId: string, firm: Participant, other: Participant) {
  return {
    tenant: ctx.tenant,
    source: { connector: CONNECTOR, externalId, accountId: form.AccountSid, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
    conversation: { id: `sms:${form.AccountSid}:${firm.value}:${other.value}`, type: 'direct' as const },
    // Twilio's messaging webhooks carry no event time: the receipt time is the best evidence
    sentAt: ctx.receivedAt.toISOString(),
    capturedAt: ctx.receivedAt.toISOString(),
  };
}

function messageDraft(form: SmsForm, ctx: NormalizeContext): EnvelopeDraft {
  const sender = phone(form.From, 'From');
  const firm = phone(form.To, 'To');
  const attachments = media(form);
  const channel = attachments.length > 0 ? 'mms' : 'sms';
  return {
    ...base(form, ctx, form.MessageSid, firm, sender),
    kind: 'message',
    channel,
    sender,
    recipients: [firm],
    direction: 'inbound',
    content: { text: form.Body || undefined, format: `twilio/${channel}` },
    attachments: attachments.length > 0 ? attachments : undefined,
  };
}

function media(form: SmsForm): Attachment[] {
  const count = Number(form.NumMedia ?? '0');
  return Array.from({ length: count }, (_, i) => {
    const url = form[`MediaUrl${i}`];
    if (typeof url !== 'string' || !isHttpUrl(url))
      throw new RejectedInputError('schema_violation', `twilio sms webhook: MediaUrl${i}: an http(s) URL is required when NumMedia is ${count}`);
    const type = form[`MediaContentType${i}`];
    const mimeType = typeof type === 'string' && type ? type : undefined;
    const mediaSid = new URL(url).pathname.split('/').pop() ?? '';
    return { id: MEDIA_SID.test(mediaSid) ? mediaSid : `${form.MessageSid}:media:${i}`, kind: mediaKind(mimeType), mimeType, sourceRef: url };
  });
}

function mediaKind(mimeType: string | undefined): Attachment['kind'] {
  const top = mimeType?.split('/')[0]?.toLowerCase();
  if (top === 'image' || top === 'video' || top === 'audio') return top;
  return top === 'application' || top === 'text' ? 'document' : 'other';
}

function statusDraft(form: SmsForm, status: string, ctx: NormalizeContext): EnvelopeDraft {
  const from = phone(form.From, 'From');
  const to = phone(form.To, 'To');
  const inbound = INBOUND_STATUSES.has(status);
  const error = [form.ErrorCode, form.ErrorMessage].filter(Boolean).join(' ');
  return {
    ...base(form, ctx, `${form.MessageSid}:${status}`, inbound ? to : from, inbound ? from : to),
    kind: 'status',
    channel: 'sms',
    sender: from,
    recipients: [to],
    direction: inbound ? 'inbound' : 'outbound',
    content: error ? { text: error, format: 'twilio/status' } : undefined,
    refs: { statusOf: form.MessageSid, status },
  };
}
