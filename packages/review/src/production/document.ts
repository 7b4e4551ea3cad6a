import type { Readable } from 'node:stream';
import type { ThreadAttachment, ThreadEvent } from '../thread-view';

/**
 * What every renderer of a production receives: one conversation (or one UTC day of it), its events
 * already folded by threadView (edits, deletions, reactions, replies), in thread order (sentAt, id).
 * Renderers are pure: the same input gives the same bytes, so a resumed export re-renders a document
 * byte for byte and the package verifies the same as an uninterrupted one.
 */
export interface ConversationDocument {
  tenant: string;
  /** The export's name: the matter it is produced for. */
  matter: string;
  exportId: string;
  conversation: {
    id: string;
    /** Custody channel id: whatsapp, telegram, sms, mms, voice, signal, wecom, line, email. */
    channel: string;
    /** direct, group or channel, as the envelope says; undefined when no record said. */
    type?: 'direct' | 'group' | 'channel';
    title?: string;
  };
  /** First and last event time of this document (ISO 8601 UTC). */
  period: { from: string; to: string };
  events: ThreadEvent[];
  /** Employee ids of the tenant's people in the conversation (the custodians). */
  custodians: string[];
  /** The content of an attachment, read from WORM with its hash re-checked as it streams; absent when never fetched. */
  attachments: AttachmentSource;
}

export interface AttachmentSource {
  /** A fresh stream of the attachment's bytes; undefined when Custody never stored its content. */
  open(a: ThreadAttachment): Promise<Readable | undefined>;
}

/** Application names as the vendors spell them (RSMF `X-RSMF-Application`, PDF header). */
export const APPLICATION_NAMES: Record<string, string> = {
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
  sms: 'SMS',
  mms: 'MMS',
  voice: 'Voice',
  signal: 'Signal',
  wecom: 'WeCom',
  line: 'LINE',
  email: 'Email',
};
