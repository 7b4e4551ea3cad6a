import { z } from 'zod';

export const ENVELOPE_SCHEMA = 'custody.envelope/v1' as const;

const isoUtc = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'ISO 8601 UTC timestamp ending in Z')
  // Date.parse rolls 2025-02-30 over into March; a real instant must survive the round trip unchanged
  .refine((s) => {
    const t = Date.parse(s);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === s.slice(0, 19);
  }, 'a real calendar instant');

/**
 * The one tenant-id grammar, checked at every entry point (configuration, API keys, CLI, control
 * tables). It has no `:` or `/`, so a key composed as `<tenant>:<id>` or a path `tenants/<tenant>/…`
 * can never name another tenant's data.
 */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/**
 * The reserved audit trail of calls nobody could be identified for (failed authentications). The
 * grammar above cannot produce it, so no customer can name or read it; operators read it in the
 * WORM store under tenants/_system/audit/.
 */
export const SYSTEM_TENANT = '_system';
export const TenantId = z
  .string()
  .regex(TENANT_ID, 'a tenant id: 1–63 lowercase letters, digits and dashes, starting with a letter or digit')
  .describe('The customer instance');

export const Kind = z.enum(['message', 'call', 'edit', 'deletion', 'reaction', 'status']).describe('What the record is');
export const Channel = z
  .enum(['whatsapp', 'telegram', 'sms', 'mms', 'voice', 'signal', 'wecom', 'line', 'email'])
  .describe('The communication channel the record was captured from');
export const Direction = z.enum(['inbound', 'outbound', 'internal', 'unknown']).describe("Relative to the customer's employees");

export const Participant = z
  .object({
    kind: z.enum(['phone', 'email', 'handle']).describe('What `value` identifies'),
    value: z.string().min(1).max(512).describe('E.164 with leading + for phones; address for email; platform handle otherwise'),
    displayName: z.string().max(512).optional().describe('Name the platform showed'),
    platformId: z.string().max(512).optional().describe("The platform's own id for the participant"),
    employeeId: z.string().max(256).optional().describe('Set when the participant resolves to an employee of the tenant'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'phone' && !/^\+[1-9]\d{1,14}$/.test(p.value)) {
      ctx.addIssue({ code: 'custom', message: 'phone participant must be E.164 with a leading +', path: ['value'] });
    }
  });

/** The vendor's bytes kept in the record itself: an export file's slice for one event. */
export const RawInline = z
  .object({
    contentType: z.string().min(1).describe('Media type of the original vendor payload'),
    encoding: z.enum(['utf8', 'base64']).describe('How `body` encodes the original bytes'),
    body: z.string().describe('The original bytes as received, kept as evidence'),
  })
  .strict();

/**
 * A webhook delivery carries many events: its bytes are archived once (content-addressed, locked at
 * least as long as every record that cites it) and each record points at them and at its own event.
 */
export const RawRef = z
  .object({
    contentType: z.string().min(1).describe('Media type of the original vendor payload'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 of the delivery as received; its bytes are archived once under this hash'),
    size: z.number().int().nonnegative().describe('Size of the delivery in bytes'),
    path: z.string().max(1024).optional().describe("Where this record's event sits in the delivery, e.g. entry.0.changes.0.value.messages.1"),
  })
  .strict();

export const RawSource = z.union([RawInline, RawRef]).describe('The original vendor bytes: inline, or a reference to the archived delivery');

export const Source = z
  .object({
    connector: z.string().min(1).describe('Connector id, e.g. whatsapp-cloud'),
    externalId: z.string().min(1).max(1024).describe("The vendor's id for this event"),
    accountId: z.string().max(512).optional().describe('The business account / number / bot the event arrived on'),
    receivedAt: isoUtc.describe('When the connector received the vendor payload'),
    raw: RawSource,
  })
  .strict();

export const Conversation = z
  .object({
    id: z.string().min(1).max(1024).describe('Stable id of the conversation, unique per tenant'),
    type: z.enum(['direct', 'group', 'channel']),
    title: z.string().max(1024).optional(),
  })
  .strict();

/**
 * What a service message did (a pin, members joining, a title change, a call started in a group):
 * the vendor's action and its target as data, so a reviewer filters on them instead of parsing text.
 */
export const ServiceAction = z
  .object({
    type: z.string().min(1).max(128).describe("The vendor's action name as given, e.g. pin_message, invite_members, edit_group_title"),
    actor: Participant.optional().describe('Who performed the action, when the vendor names them'),
    targetMessageId: z.string().max(1024).optional().describe('External id of the message the action applies to (e.g. the pinned message)'),
    members: z.array(Participant).optional().describe('Participants the action adds, removes or names'),
    title: z.string().max(1024).optional().describe('The new title, for renames'),
    details: z.record(z.string(), z.unknown()).optional().describe('Other fields of the action as the vendor gave them'),
  })
  .strict();

export const Content = z
  .object({
    subject: z.string().max(2048).optional().describe('Subject line (email and other channels that have one); searchable, never part of `text`'),
    text: z.string().optional().describe('Plain text of the message or caption'),
    format: z.string().optional().describe('Vendor-specific content type, e.g. whatsapp/location'),
    entities: z.array(z.record(z.string(), z.unknown())).optional().describe('Formatting / mention entities as the vendor sent them'),
    action: ServiceAction.optional().describe('For service messages (kind=status): the action and its target'),
  })
  .strict();

/** A hash the vendor supplied for an attachment's content, kept exactly as given so the fetched bytes can be checked against it. */
export const VendorDigest = z
  .object({
    algorithm: z.enum(['md5', 'sha1', 'sha256']).describe('Hash algorithm the vendor names'),
    encoding: z.enum(['hex', 'base64']).describe('How the vendor encoded the hash'),
    value: z.string().min(1).max(256).describe('The hash as the vendor gave it'),
  })
  .strict();

export const Attachment = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['image', 'video', 'audio', 'voice', 'document', 'sticker', 'recording', 'other']),
    mimeType: z.string().optional().describe('Media type of the content; only ever a valid RFC 9110 media type (see declaredMimeType)'),
    declaredMimeType: z
      .string()
      .max(1024)
      .optional()
      .describe("The vendor's declared type, kept as given when it is not a valid media type; the content is then served as application/octet-stream"),
    fileName: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    sha256: z.string().optional().describe('Hash of the content as reported or computed (hex or vendor encoding)'),
    vendorDigests: z.array(VendorDigest).max(8).optional().describe('Hashes the vendor supplied for the content (WeCom md5sum, WhatsApp sha256, …), as given'),
    sourceRef: z.string().optional().describe('Vendor media id or URL to fetch the content from'),
    storageKey: z.string().optional().describe('Archive key of the stored content, once fetched'),
    caption: z.string().optional(),
  })
  .strict();

export const Refs = z
  .object({
    replyTo: z.string().optional(),
    edits: z.string().optional(),
    deletes: z.string().optional(),
    reactsTo: z.string().optional(),
    emoji: z.string().optional().describe('Reaction emoji; empty string means the reaction was removed'),
    status: z.string().optional().describe('Delivery status for kind=status (sent, delivered, read, failed)'),
    statusOf: z.string().optional().describe('External id of the message a status refers to'),
    originalSentAt: isoUtc
      .optional()
      .describe('kind=edit/deletion: when the original message was sent, as the vendor reported it; the edit itself is at `sentAt`'),
    editedAt: isoUtc
      .optional()
      .describe(
        'kind=message captured in its edited form (exports keep only the last version): when it was last edited; `sentAt` stays the original send time',
      ),
  })
  .strict();

export const Call = z
  .object({
    status: z.string(),
    startedAt: isoUtc.optional(),
    endedAt: isoUtc.optional(),
    durationSec: z.number().nonnegative().optional(),
    from: Participant,
    to: Participant,
    forwardedFrom: Participant.optional(),
    routing: z.record(z.string(), z.unknown()).optional(),
    recording: Attachment.optional(),
  })
  .strict();

export const Integrity = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 of the canonical form of the envelope without `integrity`'),
  })
  .strict();

export const Envelope = z
  .object({
    schema: z.literal(ENVELOPE_SCHEMA),
    id: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .describe('Deterministic from tenant, connector, external id and kind'),
    tenant: TenantId,
    kind: Kind,
    channel: Channel,
    source: Source,
    conversation: Conversation,
    sender: Participant,
    recipients: z.array(Participant),
    direction: Direction,
    sentAt: isoUtc,
    capturedAt: isoUtc,
    content: Content.optional(),
    attachments: z.array(Attachment).optional(),
    refs: Refs.optional(),
    call: Call.optional(),
    integrity: Integrity,
  })
  .strict()
  .describe('Customer Data envelope v1: one captured communication event');

export type Envelope = z.infer<typeof Envelope>;
export type Participant = z.infer<typeof Participant>;
export type Attachment = z.infer<typeof Attachment>;
export type ServiceAction = z.infer<typeof ServiceAction>;
export type VendorDigest = z.infer<typeof VendorDigest>;
export type RawSource = z.infer<typeof RawSource>;
export type RawRef = z.infer<typeof RawRef>;
export type EnvelopeKind = z.infer<typeof Kind>;
export type ChannelId = z.infer<typeof Channel>;
/** An envelope before it is sealed: id and integrity are derived, never supplied. */
export type EnvelopeDraft = Omit<Envelope, 'id' | 'integrity' | 'schema'>;

export function envelopeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Envelope, { target: 'draft-2020-12', io: 'input' });
}

export function isRawRef(raw: RawSource): raw is RawRef {
  return 'sha256' in raw;
}
