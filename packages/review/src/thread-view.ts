import { envelopeId, targetedMessage, type Attachment, type Envelope, type Participant } from '@custody/envelope';
import type { VerifiedRecord } from './verified-read';

/**
 * A conversation as a reviewer reads it, computed at read time from records that never change: each
 * message with its later history folded in (edits as versions, original first; deletions with who
 * and when, the original text still shown; reactions), replies linked to what they quote, call
 * records with their routing. Nothing is hidden: the edit, deletion and reaction records keep their
 * own place in the thread too, saying which message they fold into (or that it was never captured).
 */

/** A record of the thread as read from WORM, with the legal holds the index says cover it. */
export type ThreadRecord = VerifiedRecord & { holds: string[] };

export interface ThreadInput {
  /** The page, in thread order. */
  page: ThreadRecord[];
  /** Edits, deletions and reactions of the page's messages, wherever they are in the thread. */
  history: VerifiedRecord[];
  /** Messages that page records reply to or revise but that are not on the page, by record id; absent: never captured. */
  elsewhere: Map<string, Envelope>;
  /**
   * Media fetched from the vendor after capture (a call recording, a WhatsApp image), by
   * `mediaKey(recordId, attachmentId)`: the envelope could not know their hash, the WORM manifest does.
   */
  fetched?: Map<string, { sha256: string; size: number }>;
}

export function mediaKey(recordId: string, attachmentId: string): string {
  return `${recordId}\0${attachmentId}`;
}

/** Attachments of the page whose content the envelope does not hash (fetched later): their manifests are to be read. */
export function unhashedMedia(page: Envelope[]): Array<{ recordId: string; attachmentId: string }> {
  return page.flatMap((e) =>
    [...(e.attachments ?? []), ...(e.call?.recording ? [e.call.recording] : [])]
      .filter((a) => !a.sha256 && !a.storageKey)
      .map((a) => ({ recordId: e.id, attachmentId: a.id })),
  );
}

/** The message a reply quotes: the vendor's id and its record id, derived (a reply names a message of the same connector). */
function quoted(env: Envelope, externalId: string): { externalId: string; id: string } {
  return { externalId, id: envelopeId(env.tenant, env.source.connector, externalId, 'message') };
}

/** The message an edit, deletion or reaction folds into. */
function targetOf(env: Envelope): { externalId: string; id: string } | undefined {
  const t = targetedMessage(env);
  return t && { externalId: t.externalId, id: t.recordId };
}

/** Record ids the page points at (quoted or revised) that are not on it: to be read too. */
export function pointedAt(page: Envelope[]): string[] {
  const onPage = new Set(page.map((e) => e.id));
  const ids = page.flatMap((e) => [e.refs?.replyTo === undefined ? undefined : quoted(e, e.refs.replyTo).id, targetOf(e)?.id]);
  return [...new Set(ids.filter((id): id is string => id !== undefined && !onPage.has(id)))];
}

export function threadView(input: ThreadInput) {
  const byId = new Map<string, Envelope>([...input.elsewhere, ...input.page.map((r) => [r.envelope.id, r.envelope] as const)]);
  const historyOf = new Map<string, Envelope[]>();
  for (const h of input.history) {
    const target = targetOf(h.envelope);
    if (!target) continue;
    const list = historyOf.get(target.id) ?? [];
    list.push(h.envelope);
    historyOf.set(target.id, list);
  }
  for (const list of historyOf.values()) list.sort(byTime);
  const link = (ref: { externalId: string; id: string }) => {
    const found = byId.get(ref.id);
    return {
      ...ref,
      captured: found !== undefined,
      href: found ? `/v1/records/${ref.id}` : null,
      sender: found ? person(found.sender) : null,
      excerpt: found ? excerpt(found) : null,
    };
  };
  return input.page.map((r) => {
    const e = r.envelope;
    const later = e.kind === 'message' ? (historyOf.get(e.id) ?? []) : [];
    const edits = later.filter((h) => h.kind === 'edit');
    const target = targetOf(e);
    return {
      id: e.id,
      kind: e.kind,
      channel: e.channel,
      sentAt: e.sentAt,
      capturedAt: e.capturedAt,
      direction: e.direction,
      sender: person(e.sender),
      recipients: e.recipients.map(person),
      subject: e.content?.subject ?? null,
      text: e.content?.text ?? null,
      format: e.content?.format ?? null,
      action: e.content?.action ?? null,
      attachments: (e.attachments ?? []).map((a) => attachmentView(e.id, a, input.fetched)),
      replyTo: e.refs?.replyTo === undefined ? null : link(quoted(e, e.refs.replyTo)),
      // an edit, deletion or reaction: the message it folds into
      revises: target ? link(target) : null,
      emoji: e.kind === 'reaction' ? (e.refs?.emoji ?? null) : null,
      status: e.kind === 'status' ? { status: e.refs?.status ?? null, of: e.refs?.statusOf ?? null } : null,
      editedAt: e.refs?.editedAt ?? null,
      versions:
        edits.length === 0
          ? []
          : [
              { recordId: e.id, sentAt: e.sentAt, by: person(e.sender), text: e.content?.text ?? null, original: true },
              ...edits.map((h) => ({ recordId: h.id, sentAt: h.sentAt, by: person(h.sender), text: h.content?.text ?? null, original: false })),
            ],
      deletions: later.filter((h) => h.kind === 'deletion').map((h) => ({ recordId: h.id, at: h.sentAt, by: person(h.sender) })),
      reactions: later
        .filter((h) => h.kind === 'reaction')
        .map((h) => ({ recordId: h.id, at: h.sentAt, by: person(h.sender), emoji: h.refs?.emoji ?? '', removed: (h.refs?.emoji ?? '') === '' })),
      call: e.call
        ? {
            status: e.call.status,
            startedAt: e.call.startedAt ?? null,
            endedAt: e.call.endedAt ?? null,
            durationSec: e.call.durationSec ?? null,
            from: person(e.call.from),
            to: person(e.call.to),
            forwardedFrom: e.call.forwardedFrom ? person(e.call.forwardedFrom) : null,
            routing: e.call.routing ?? null,
            recording: e.call.recording ? attachmentView(e.id, e.call.recording, input.fetched) : null,
          }
        : null,
      href: `/v1/records/${e.id}`,
      archive: r.archive,
      verification: r.verification,
      holds: r.holds,
    };
  });
}

function person(p: Participant) {
  return { kind: p.kind, value: p.value, displayName: p.displayName ?? null, employeeId: p.employeeId ?? null };
}

function attachmentView(recordId: string, a: Attachment, fetched: ThreadInput['fetched']) {
  const manifest = a.sha256 ? undefined : fetched?.get(mediaKey(recordId, a.id));
  return {
    id: a.id,
    kind: a.kind,
    fileName: a.fileName ?? null,
    mimeType: a.mimeType ?? null,
    size: a.size ?? manifest?.size ?? null,
    // the envelope's when it had one; else the WORM manifest's, written when the media was fetched
    sha256: a.sha256 ?? manifest?.sha256 ?? null,
    caption: a.caption ?? null,
    // streamed from WORM with its hash re-checked; 404 until the media service has fetched it
    href: `/v1/records/${recordId}/attachments/${encodeURIComponent(a.id)}`,
  };
}

const EXCERPT_CHARS = 200;

function excerpt(e: Envelope): string | null {
  const text = e.content?.text ?? e.content?.subject ?? e.attachments?.[0]?.fileName;
  if (text === undefined) return null;
  const chars = Array.from(text);
  return chars.length <= EXCERPT_CHARS ? text : `${chars.slice(0, EXCERPT_CHARS).join('')}…`;
}

function byTime(a: Envelope, b: Envelope): number {
  return a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id);
}

/** One event of a thread as threadView folds it: what the conversation view returns and productions render. */
export type ThreadEvent = ReturnType<typeof threadView>[number];
export type ThreadPerson = ThreadEvent['sender'];
export type ThreadAttachment = ThreadEvent['attachments'][number];
