import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, vendorTime, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import { WecomMessage, type WecomParsed } from './types';

const CONNECTOR = 'wecom';
const VOICE_MIME: Record<string, string> = { amr: 'audio/amr', speex: 'audio/speex' };
const MEDIA_KINDS = { image: 'image', voice: 'voice', video: 'video', file: 'document' } as const;
type MediaType = keyof typeof MEDIA_KINDS;
// own keys only: a MsgType named "constructor" or "toString" must not look like media
const isMediaType = (type: string): type is MediaType => Object.hasOwn(MEDIA_KINDS, type);

/** One callback carries one message. Events (subscribe, enter_agent, msgaudit_notify, …) are app events, not communications. */
export function normalizeWecom(parsed: WecomParsed, ctx: NormalizeContext): NormalizeResult[] {
  if (parsed.message.MsgType === 'event') return [];
  return isolateEvent('Encrypt', () => messageDraft(checked(parsed.message), parsed.corpId, ctx));
}

function checked(fields: Record<string, string>): WecomMessage {
  const r = WecomMessage.safeParse(fields);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${['message', ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new RejectedInputError('schema_violation', `wecom callback: ${issues.join('; ')}`);
  }
  return r.data;
}

/**
 * Callback messages are what a member (FromUserName, a UserID) sends to the firm's app (AgentID):
 * inbound relative to the app the connector is configured for.
 */
function messageDraft(m: WecomMessage, corpId: string, ctx: NormalizeContext): EnvelopeDraft {
  const sender: Participant = { kind: 'handle', value: m.FromUserName, platformId: m.FromUserName };
  const app: Participant = { kind: 'handle', value: `agent:${m.AgentID}`, platformId: m.AgentID };
  return {
    tenant: ctx.tenant,
    kind: 'message',
    channel: 'wecom',
    source: {
      connector: CONNECTOR,
      externalId: m.MsgId,
      accountId: `${corpId}:${m.AgentID}`,
      receivedAt: ctx.receivedAt.toISOString(),
      // a callback without Content-Type is still XML: record what the bytes are
      raw: rawSource({ ...ctx.raw, contentType: ctx.raw.contentType || 'text/xml' }),
    },
    conversation: { id: `wecom:${corpId}:${m.AgentID}:${m.FromUserName}`, type: 'direct' },
    sender,
    recipients: [app],
    direction: 'inbound',
    sentAt: vendorTime(Number(m.CreateTime), 's', ctx.receivedAt, 'message.CreateTime'),
    capturedAt: ctx.receivedAt.toISOString(),
    content: content(m),
    attachments: attachment(m),
  };
}

function content(m: WecomMessage): EnvelopeDraft['content'] {
  const format = `wecom/${m.MsgType}`;
  switch (m.MsgType) {
    case 'text':
      if (m.Content === undefined) throw new RejectedInputError('schema_violation', 'wecom callback: message.Content: required for MsgType text');
      return { text: m.Content, format };
    case 'location':
      if (m.Location_X === undefined || m.Location_Y === undefined) {
        throw new RejectedInputError('schema_violation', 'wecom callback: message.Location_X: Location_X and Location_Y are required for MsgType location');
      }
      return { text: [m.Label, `${m.Location_X},${m.Location_Y}`].filter(Boolean).join('\n'), format };
    case 'link':
      return { text: [m.Title, m.Description, m.Url].filter(Boolean).join('\n') || undefined, format };
    default:
      // media and types we do not model are archived, not dropped: the decrypted XML is reproducible from source.raw
      return { format };
  }
}

function attachment(m: WecomMessage): Attachment[] | undefined {
  if (!isMediaType(m.MsgType)) return undefined;
  if (!m.MediaId) throw new RejectedInputError('schema_violation', `wecom callback: message.MediaId: required for MsgType ${m.MsgType}`);
  const format = m.Format?.toLowerCase();
  const mimeType = m.MsgType === 'voice' && format && Object.hasOwn(VOICE_MIME, format) ? VOICE_MIME[format] : undefined;
  return [{ id: m.MediaId, kind: MEDIA_KINDS[m.MsgType], mimeType, sourceRef: `wecom-media:${m.MediaId}` }];
}
