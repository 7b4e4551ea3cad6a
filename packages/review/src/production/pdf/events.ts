import type { ThreadAttachment, ThreadEvent } from '../../thread-view';
import type { AttachmentSource } from '../document';
import { bytes, codePoints, duration, json, readable, who, type Clock } from './format';
import { INLINE_IMAGE_BYTES, drawImage, isPicture, readAtMost } from './images';
import { INDENT, type Writer } from './layout';

const KIND: Record<string, string> = { message: 'Message', call: 'Call', edit: 'Edit', deletion: 'Deletion', reaction: 'Reaction', status: 'Status' };
const DETAIL = { level: 1 } as const;
const NOTE = { level: 1, size: 8, color: '#444444' } as const;
/** Widest and highest an inline picture is drawn, in points. */
const IMAGE_BOX = 300;

export interface EventContext {
  time: Clock;
  attachments: AttachmentSource;
}

/**
 * One event of the thread, whatever its kind: every part threadView gives is rendered when present,
 * so no kind of record can lose a field to a renderer that did not expect it.
 */
export async function renderEvent(w: Writer, e: ThreadEvent, n: number, ctx: EventContext): Promise<void> {
  const { time } = ctx;
  const edited = e.versions.length > 1 || e.editedAt !== null;
  const flags = [edited ? 'EDITED' : '', e.deletions.length > 0 ? 'DELETED' : ''].filter(Boolean);
  w.keep(60);
  w.para(`#${n} ${KIND[e.kind] ?? e.kind}${flags.map((f) => ` · ${f}`).join('')}`, { bold: true });
  w.para(time(e.sentAt), DETAIL);
  const to = e.recipients.length === 0 ? '' : ` to ${e.recipients.map(who).join(', ')}`;
  w.para(`From ${who(e.sender)}${to} · ${e.direction}`, DETAIL);
  w.para(`Record ${e.id}`, NOTE);

  if (e.revises) w.para(revisionLine(e), DETAIL);
  if (e.status) w.para(`Status: ${e.status.status ?? 'not stated'}${e.status.of === null ? '' : ` of message ${e.status.of}`}`, DETAIL);
  if (e.action) {
    const a = e.action;
    const parts = [
      `Action: ${a.type}`,
      a.actor && `by ${who(a.actor)}`,
      a.targetMessageId && `on message ${a.targetMessageId}`,
      a.members && `members ${a.members.map(who).join(', ')}`,
      a.title !== undefined && `title “${readable(a.title)}”`,
      a.details && `details ${json(a.details)}`,
    ];
    w.para(parts.filter(Boolean).join(' · '), DETAIL);
  }
  if (e.call) await renderCall(w, e.call, ctx);
  if (e.replyTo) {
    const r = e.replyTo;
    const line = !r.captured
      ? `(reply to message ${r.externalId}, not captured)`
      : `In reply to ${who(r.sender)}${r.excerpt === null ? ` (message ${r.externalId})` : `: “${readable(r.excerpt)}”`}`;
    w.para(line, DETAIL);
  }
  if (e.subject !== null) w.para(`Subject: ${readable(e.subject)}`, DETAIL);
  if (e.format !== null) w.para(`Content type: ${e.format}`, NOTE);
  if (e.text !== null) {
    if (e.kind === 'edit') w.para('New text:', DETAIL);
    w.para(readable(e.text), { level: 1, size: 10 });
  }
  for (const a of e.attachments) await renderAttachment(w, a, 'Attachment', ctx);

  if (e.editedAt !== null) w.para(`Captured in its edited form; last edited at ${time(e.editedAt)}`, DETAIL);
  // versions[0] is the original, shown above as the text
  for (const v of e.versions.filter((v) => !v.original)) {
    w.para(`Edited at ${time(v.sentAt)} by ${who(v.by)}: ${v.text === null ? '(no text)' : readable(v.text)}`, DETAIL);
  }
  for (const d of e.deletions) w.para(`DELETED at ${time(d.at)} by ${who(d.by)}; the text above is the original as captured`, { ...DETAIL, bold: true });
  if (e.reactions.length > 0) w.para('Reactions:', DETAIL);
  for (const r of e.reactions) {
    const what = r.removed ? 'removed' : `${r.emoji} (${codePoints(r.emoji)})`;
    w.para(`${what} by ${who(r.by)} at ${time(r.at)}`, { level: 2 });
  }
  w.gap(0.8);
}

/** The line of an edit, deletion or reaction record: which message it folds into. */
function revisionLine(e: ThreadEvent): string {
  const r = e.revises!;
  const what = e.kind === 'reaction' ? (e.emoji ? `Reaction ${e.emoji} (${codePoints(e.emoji)}) to` : 'Reaction removed from') : `${KIND[e.kind] ?? e.kind} of`;
  if (!r.captured) return `${what} message ${r.externalId} (not captured)`;
  return `${what} message ${r.externalId} sent by ${who(r.sender)}${r.excerpt === null ? '' : `: “${readable(r.excerpt)}”`}`;
}

async function renderCall(w: Writer, call: NonNullable<ThreadEvent['call']>, ctx: EventContext): Promise<void> {
  w.para(`Call ${call.status}: from ${who(call.from)} to ${who(call.to)}`, DETAIL);
  if (call.startedAt !== null) w.para(`Started ${ctx.time(call.startedAt)}`, DETAIL);
  if (call.endedAt !== null) w.para(`Ended ${ctx.time(call.endedAt)}`, DETAIL);
  if (call.durationSec !== null) w.para(`Duration ${duration(call.durationSec)}`, DETAIL);
  if (call.forwardedFrom) w.para(`Forwarded from ${who(call.forwardedFrom)}`, DETAIL);
  if (call.routing) {
    w.para(
      `Routing: ${Object.entries(call.routing)
        .map(([k, v]) => `${k}: ${json(v)}`)
        .join('; ')}`,
      DETAIL,
    );
  }
  if (call.recording) await renderAttachment(w, call.recording, 'Recording', ctx);
}

/**
 * Name, size and hash; whether Custody holds the content; pictures drawn inline. Every attachment is
 * opened, to say whether it was captured; only inline pictures are read (through their hash check,
 * whose failure rejects the transcript), the others are closed unread.
 */
async function renderAttachment(w: Writer, a: ThreadAttachment, label: string, ctx: EventContext): Promise<void> {
  const name = a.fileName === null ? `(no file name, id ${a.id})` : a.fileName;
  w.para(`${label}: ${name} · ${a.kind} · ${a.mimeType ?? 'type not recorded'} · ${bytes(a.size)}`, DETAIL);
  w.para(`SHA-256 ${a.sha256 ?? 'not recorded'}`, { ...NOTE, level: 2 });
  if (a.caption !== null) w.para(`Caption: ${readable(a.caption)}`, { level: 2 });
  const stream = await ctx.attachments.open(a);
  if (!stream) {
    w.para('content not captured', { ...NOTE, level: 2 });
    return;
  }
  if (!isPicture(a)) {
    stream.destroy();
    return;
  }
  const content = a.size !== null && a.size > INLINE_IMAGE_BYTES ? undefined : await readAtMost(stream, INLINE_IMAGE_BYTES);
  if (!content) {
    stream.destroy();
    w.para('image larger than 10 MB, not shown inline', { ...NOTE, level: 2 });
    return;
  }
  const problem = await drawImage(w.doc, content, a.mimeType!, w.doc.page.margins.left + 2 * INDENT, IMAGE_BOX);
  if (problem) w.para(`${problem}; see the native file`, { ...NOTE, level: 2 });
  w.gap(0.6);
}
