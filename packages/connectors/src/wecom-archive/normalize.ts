import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, vendorDigest, vendorDigests, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import type { z } from 'zod';
import { ArchiveMessage, ArchiveRecord, ArchiveSwitch, type ArchiveParsed } from './types';

const CONNECTOR = 'wecom-archive';
// voip_doc_share: a file shared during a voice or video call, a file like any other
const MEDIA = { image: 'image', voice: 'voice', video: 'video', file: 'document', emotion: 'sticker', voip_doc_share: 'document' } as const;
type MediaType = keyof typeof MEDIA;
const isMediaType = (type: string): type is MediaType => Object.hasOwn(MEDIA, type);

// external_userid (customers, WeChat users, other corps' members) starts with "wo" or "wm", robots
// with "wb"; member userids are chosen by the firm. A prefix test is a heuristic: identity mapping
// refines direction later, so anything unclear stays "unknown".
const isExternal = (userId: string) => /^w[mo][A-Za-z0-9_-]{20,}$/.test(userId);
const isRobot = (userId: string) => /^wb[A-Za-z0-9_-]{20,}$/.test(userId);

export function normalizeWecomArchive(parsed: ArchiveParsed, ctx: NormalizeContext): NormalizeResult[] {
  return parsed.items.flatMap((item): NormalizeResult[] => {
    if (item.error) return [{ rejected: true, code: item.error.code, reason: item.error.message, path: item.path }];
    // each record's own bytes are its evidence (see arrayElements); a record is a JSON document on its own
    const recordCtx = { ...ctx, raw: { contentType: 'application/json', body: item.raw } };
    return isolateEvent(item.path, () => recordDraft(item.value, parsed.corpId, recordCtx, item.path));
  });
}

function recordDraft(value: unknown, corpId: string, ctx: NormalizeContext, at: string): EnvelopeDraft {
  const { action } = checked(ArchiveRecord, value, at);
  if (action === 'switch') return switchDraft(checked(ArchiveSwitch, value, at), corpId, ctx, at);
  if (action !== 'send' && action !== 'recall')
    throw new RejectedInputError('schema_violation', `wecom archive: ${at}.action: expected send, recall or switch, got "${action.slice(0, 32)}"`);
  const m = checked(ArchiveMessage, value, at);
  const sender = handle(m.from);
  const common = {
    ...base(ctx, corpId, m.msgid, conversation(m, corpId, at), vendorTime(m.msgtime, 'ms', ctx.receivedAt, `${at}.msgtime`)),
    sender,
    recipients: m.tolist.map(handle),
    direction: direction(m),
  };
  if (m.action === 'recall') {
    if (!m.revoke) throw new RejectedInputError('schema_violation', `wecom archive: ${at}.revoke: required for action recall`);
    return { ...common, kind: 'deletion', refs: { deletes: m.revoke.pre_msgid } };
  }
  return { ...common, kind: 'message', content: { text: text(m, at), format: `wecom/${m.msgtype}` }, attachments: attachments(m, at) };
}

/** A member switched between enterprises on a multi-corp account: an audit fact, archived as a status. */
function switchDraft(s: ArchiveSwitch, corpId: string, ctx: NormalizeContext, at: string): EnvelopeDraft {
  const sentAt = vendorTime(s.time, 'ms', ctx.receivedAt, `${at}.time`);
  return {
    ...base(ctx, corpId, s.msgid, { id: `wecom:${corpId}:user:${s.user}`, type: 'direct' }, sentAt),
    kind: 'status',
    sender: handle(s.user),
    recipients: [],
    direction: 'internal',
    content: { text: `${s.user} switched enterprise`, format: 'wecom/switch' },
    refs: { status: 'switch' },
  };
}

function checked<T>(schema: z.ZodType<T>, value: unknown, at: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${[at, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `wecom archive: ${issues.join('; ')}`);
  }
  return r.data;
}

function base(ctx: NormalizeContext, corpId: string, externalId: string, conv: EnvelopeDraft['conversation'], sentAt: string) {
  return {
    tenant: ctx.tenant,
    channel: 'wecom' as const,
    source: { connector: CONNECTOR, externalId, accountId: corpId, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
    conversation: conv,
    sentAt,
    capturedAt: ctx.receivedAt.toISOString(),
  };
}

const handle = (userId: string): Participant => ({ kind: 'handle', value: userId, platformId: userId });

function conversation(m: ArchiveMessage, corpId: string, at: string): EnvelopeDraft['conversation'] {
  if (m.roomid) return { id: `wecom:${corpId}:room:${m.roomid}`, type: 'group' };
  if (m.tolist.length === 0) throw new RejectedInputError('schema_violation', `wecom archive: ${at}.tolist: a direct message needs a recipient`);
  // both sides of a one-to-one chat must land in the same conversation, whoever writes
  return { id: `wecom:${corpId}:${[...new Set([m.from, ...m.tolist])].sort().join(':')}`, type: 'direct' };
}

function direction(m: ArchiveMessage): EnvelopeDraft['direction'] {
  if (isExternal(m.from)) return 'inbound';
  if (isRobot(m.from) || m.tolist.some(isRobot)) return 'unknown';
  return m.tolist.some(isExternal) ? 'outbound' : 'internal';
}

function text(m: ArchiveMessage, at: string): string | undefined {
  const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join('\n') || undefined;
  switch (m.msgtype) {
    case 'text':
      if (!m.text) throw new RejectedInputError('schema_violation', `wecom archive: ${at}.text: required for msgtype text`);
      return m.text.content;
    case 'markdown':
      return m.info?.content;
    case 'file':
    case 'voip_doc_share':
      return m[m.msgtype]?.filename;
    case 'location':
      return m.location && join(m.location.title, m.location.address, `${m.location.latitude},${m.location.longitude}`);
    case 'link':
      return m.link && join(m.link.title, m.link.description, m.link.link_url);
    case 'weapp':
      return m.weapp && join(m.weapp.displayname, m.weapp.title, m.weapp.description);
    case 'docmsg':
      return m.doc && join(m.doc.title, m.doc.link_url);
    case 'card':
      return m.card && join(m.card.corpname, m.card.userid);
    case 'agree':
    case 'disagree':
      // the external contact's consent (or refusal) to archiving: evidence in itself
      return `${m[m.msgtype]?.userid ?? m.from} ${m.msgtype === 'agree' ? 'agreed' : 'did not agree'} to chat archiving`;
    default:
      return undefined;
  }
}

/**
 * Archive media is fetched with the Finance SDK's GetMediaData (sdkfileid), on the firm's side:
 * references only here, with the md5sum and size the archive gives, so the fetched file can be checked.
 */
function attachments(m: ArchiveMessage, at: string): Attachment[] | undefined {
  if (!isMediaType(m.msgtype)) return undefined;
  const media = m[m.msgtype];
  if (!media) throw new RejectedInputError('schema_violation', `wecom archive: ${at}.${m.msgtype}: required for msgtype ${m.msgtype}`);
  const sized = media as { filesize?: number; voice_size?: number; imagesize?: number; filename?: string };
  return [
    {
      id: `${m.msgid}:${m.msgtype}`,
      kind: MEDIA[m.msgtype],
      fileName: sized.filename,
      size: sized.filesize ?? sized.voice_size ?? sized.imagesize,
      ...vendorDigests(vendorDigest('md5', media.md5sum)),
      sourceRef: `wecom-sdkfile:${media.sdkfileid}`,
    },
  ];
}
