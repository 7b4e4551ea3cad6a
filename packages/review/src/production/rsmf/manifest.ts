import { createHash } from 'node:crypto';
import type { ThreadAttachment, ThreadEvent, ThreadPerson } from '../../thread-view';
import { APPLICATION_NAMES, type ConversationDocument } from '../document';
import { IDN_EMAIL } from './validate';

/**
 * The rsmf_manifest.json of one ConversationDocument. Every thread event becomes exactly one RSMF
 * event, so a reviewer in Relativity sees what Custody archived and nothing less: an edited message
 * keeps its original body with its edits listed, a deleted one stays readable and is flagged, and the
 * edit, deletion and reaction records keep their own (history) event beside the message they fold into.
 */

export interface RsmfCustom {
  name: string;
  /** Non-empty: the schema requires it. */
  value: string;
}
export interface RsmfParticipant {
  id: string;
  display: string;
  email?: string;
  account_id: string;
  custom: RsmfCustom[];
}
export interface RsmfConversation {
  id: string;
  platform: string;
  type: 'direct' | 'channel';
  participants: string[];
  custodian?: string;
  display?: string;
  custom: RsmfCustom[];
}
export interface RsmfAttachment {
  /** The file's name in rsmf.zip. */
  id: string;
  display: string;
  size?: number;
}
export interface RsmfEvent {
  id: string;
  type: 'message' | 'history';
  parent?: string;
  body?: string;
  participant: string;
  conversation: string;
  timestamp: string;
  deleted?: boolean;
  reactions?: { value: string; count: number; participants: string[] }[];
  attachments?: RsmfAttachment[];
  edits?: { participant: string; timestamp: string; previous: string; new: string }[];
  custom: RsmfCustom[];
  direction?: 'incoming' | 'outgoing';
}
export interface RsmfManifest {
  version: '2.0.0';
  participants: RsmfParticipant[];
  conversations: RsmfConversation[];
  events: RsmfEvent[];
  eventcollectionid: string;
}
/** A file of rsmf.zip besides the manifest: an attachment's content, or the note standing in for content never captured. */
export type RsmfFile = { name: string; attachment: ThreadAttachment } | { name: string; placeholder: string };

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** An event's attachments, a call's recording included. */
export const attachmentsOf = (e: ThreadEvent): ThreadAttachment[] => [...e.attachments, ...(e.call?.recording ? [e.call.recording] : [])];

/** Identifies an attachment's content: its SHA-256 when Custody has one (so equal content is stored once), else the attachment itself. */
export function contentKey(eventId: string, a: ThreadAttachment): string {
  if (a.sha256 !== null && /^[0-9a-f]{64}$/i.test(a.sha256)) return a.sha256.toLowerCase();
  // a vendor-encoded hash (base64, …) still names the content; without one, only this record's attachment is known
  return sha256(a.sha256 ?? `${eventId}\0${a.id}`);
}

const MAX_NAME = 120;

/** A file name reviewers can extract anywhere: no path, no control or Windows-reserved character, at most 120 characters with its extension kept. */
function safeFileName(name: string): string {
  const clean = Array.from(name.replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, '_').replace(/^[\s.]+|[\s.]+$/g, ''));
  if (clean.length === 0) return 'attachment';
  if (clean.length <= MAX_NAME) return clean.join('');
  const ext = /\.[^.]{1,16}$/u.exec(clean.join(''))?.[0] ?? '';
  return clean.slice(0, MAX_NAME - Array.from(ext).length).join('') + ext;
}

/** A UUID (version 8: derived, RFC 9562) from a name: the same conversation day always gets the same collection id. */
function uuidOf(name: string): string {
  const h = sha256(name);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const personKey = (p: ThreadPerson) => `${p.kind}:${p.value}`;
const customs = (...pairs: [string, string | number | null | undefined][]): RsmfCustom[] =>
  pairs.filter((p): p is [string, string | number] => p[1] != null && String(p[1]) !== '').map(([name, value]) => ({ name, value: String(value) }));

/** Everyone the events name, once each (by kind and value), in order of first appearance; names and employee ids from any mention. */
function collectPeople(events: ThreadEvent[]): Map<string, ThreadPerson> {
  const people = new Map<string, ThreadPerson>();
  const add = (p: ThreadPerson | null) => {
    if (!p) return;
    const seen = people.get(personKey(p));
    people.set(personKey(p), seen ? { ...seen, displayName: seen.displayName ?? p.displayName, employeeId: seen.employeeId ?? p.employeeId } : p);
  };
  for (const e of events) {
    [e.sender, ...e.recipients, ...e.versions.map((v) => v.by), ...e.deletions.map((d) => d.by), ...e.reactions.map((r) => r.by)].forEach(add);
    [e.call?.from ?? null, e.call?.to ?? null, e.call?.forwardedFrom ?? null].forEach(add);
  }
  return people;
}

function participantOf(p: ThreadPerson): RsmfParticipant {
  return {
    id: `P${sha256(personKey(p)).slice(0, 12)}`,
    display: p.displayName ?? p.value,
    ...(p.kind === 'email' && IDN_EMAIL.test(p.value) ? { email: p.value } : {}),
    account_id: p.value,
    custom: customs(['Employee ID', p.employeeId], ['Identifier kind', p.kind]),
  };
}

/**
 * Reactions still standing: WhatsApp and Signal keep one reaction per person and message, a new one
 * replacing the last and an empty one removing it, so each person's latest reaction decides.
 */
function standingReactions(e: ThreadEvent, pid: (p: ThreadPerson) => string): NonNullable<RsmfEvent['reactions']> {
  const latest = new Map<string, ThreadEvent['reactions'][number]>();
  for (const r of e.reactions) latest.set(personKey(r.by), r);
  const byEmoji = new Map<string, string[]>();
  for (const r of latest.values()) if (!r.removed) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), pid(r.by)]);
  return [...byEmoji].map(([value, participants]) => ({ value, count: participants.length, participants }));
}

/** The rsmf_manifest.json of `doc` and the files rsmf.zip holds beside it; `captured` says whether an attachment's content can be read. */
export function rsmfManifest(doc: ConversationDocument, captured: (a: ThreadAttachment) => boolean): { manifest: RsmfManifest; files: RsmfFile[] } {
  const people = [...collectPeople(doc.events).values()];
  const participants = people.map(participantOf);
  const ids = new Map(people.map((p, i) => [personKey(p), participants[i]]));
  const pid = (p: ThreadPerson) => ids.get(personKey(p))!.id;
  const display = (p: ThreadPerson) => ids.get(personKey(p))!.display;
  const inFile = new Set(doc.events.map((e) => e.id));
  const files = new Map<string, RsmfFile>();
  /** Content key → its file in the zip: equal content under another name is stored once, under the first name. */
  const stored = new Map<string, string>();
  const conversationId = doc.conversation.id;

  const attachment = (e: ThreadEvent, a: ThreadAttachment, custom: RsmfCustom[]): RsmfAttachment => {
    const key = contentKey(e.id, a);
    const name = `${key.slice(0, 16)}_${safeFileName(a.fileName ?? a.id)}`;
    if (captured(a)) {
      let file = stored.get(key);
      if (file === undefined) {
        file = name;
        stored.set(key, file);
        files.set(file, { name: file, attachment: a });
      }
      return { id: file, display: a.fileName ?? a.id, ...(a.size === null ? {} : { size: a.size }) };
    }
    const placeholder = `${name}_UNAVAILABLE.txt`;
    const text = [
      'Attachment content not captured: Custody archived this attachment as part of the message but never stored its content.',
      ...customs(['Attachment id', a.id], ['File name', a.fileName], ['Media type', a.mimeType], ['Size (bytes)', a.size], ['SHA-256', a.sha256]).map(
        (c) => `${c.name}: ${c.value}`,
      ),
    ].join('\r\n');
    if (!files.has(placeholder)) files.set(placeholder, { name: placeholder, placeholder: text });
    custom.push({ name: 'Attachment unavailable', value: `${a.fileName ?? a.id}: content not captured` });
    // displayed under its own name: a display ending in .png would make the viewer try to show the note as an image
    return { id: placeholder, display: placeholder, size: Buffer.byteLength(text) };
  };

  const events = doc.events.map((e): RsmfEvent => {
    const custom = customs(['Custody record id', e.id], ['Channel', e.channel], ['Record kind', e.kind], ['Subject', e.subject], ['Edited at', e.editedAt]);
    let parent: string | undefined;
    if (e.replyTo) {
      if (e.replyTo.captured && inFile.has(e.replyTo.id)) parent = e.replyTo.id;
      else custom.push({ name: 'Reply to (not in this file)', value: e.replyTo.externalId });
    }
    if (e.revises) {
      if (inFile.has(e.revises.id)) parent = e.revises.id;
      else custom.push({ name: 'Target (not in this file)', value: e.revises.externalId });
    }
    const body = bodyOf(e, display);
    if (e.call)
      custom.push(
        ...customs(
          ['Call status', e.call.status],
          ['Call duration (s)', e.call.durationSec],
          ['Call started', e.call.startedAt],
          ['Call ended', e.call.endedAt],
        ),
      );
    if (e.deletions.length > 0)
      custom.push(...customs(['Deleted by', e.deletions.map((d) => display(d.by)).join(', ')], ['Deleted at', e.deletions.map((d) => d.at).join(', ')]));
    const attachments = attachmentsOf(e).map((a) => attachment(e, a, custom));
    const reactions = standingReactions(e, pid);
    const direction = e.direction === 'inbound' ? 'incoming' : e.direction === 'outbound' ? 'outgoing' : undefined;
    return {
      id: e.id,
      type: e.kind === 'message' || e.kind === 'call' ? 'message' : 'history',
      ...(parent === undefined ? {} : { parent }),
      ...(body === undefined ? {} : { body }),
      participant: pid(e.sender),
      conversation: conversationId,
      timestamp: e.sentAt,
      ...(e.deletions.length > 0 ? { deleted: true } : {}),
      ...(reactions.length > 0 ? { reactions } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      // each later version against the one before it; the body keeps the original
      ...(e.versions.length > 1
        ? {
            edits: e.versions.slice(1).map((v, i) => ({ participant: pid(v.by), timestamp: v.sentAt, previous: e.versions[i].text ?? '', new: v.text ?? '' })),
          }
        : {}),
      custom,
      ...(direction ? { direction } : {}),
    };
  });

  const type = doc.conversation.type ?? (participants.length <= 2 ? 'direct' : 'channel');
  const custodian = doc.custodians.map((emp) => people.findIndex((p) => p.employeeId === emp)).find((i) => i >= 0);
  const manifest: RsmfManifest = {
    version: '2.0.0',
    participants,
    conversations: [
      {
        id: conversationId,
        platform: doc.conversation.channel,
        type: type === 'direct' ? 'direct' : 'channel',
        participants: participants.map((p) => p.id),
        ...(custodian === undefined ? {} : { custodian: participants[custodian].id }),
        ...(doc.conversation.title ? { display: doc.conversation.title } : {}),
        custom: customs(
          ['Application', APPLICATION_NAMES[doc.conversation.channel]],
          ['Conversation type', doc.conversation.type],
          ['Matter', doc.matter],
          ['Export ID', doc.exportId],
        ),
      },
    ],
    events,
    eventcollectionid: uuidOf(`${conversationId}/${doc.period.from.slice(0, 10)}`),
  };
  return { manifest, files: [...files.values()] };
}

/** A message's text; for the other records, what they did, in words a reviewer reads in the thread. */
function bodyOf(e: ThreadEvent, display: (p: ThreadPerson) => string): string | undefined {
  const target = e.revises ? `message ${e.revises.externalId}` : 'an unidentified message';
  switch (e.kind) {
    case 'edit':
      return `edited ${target}: "${e.text ?? ''}"`;
    case 'deletion':
      return `deleted ${target}`;
    case 'reaction':
      return e.emoji ? `reacted ${e.emoji} to ${target}` : `removed reaction from ${target}`;
    case 'status':
      return [statusLine(e), e.text].filter(Boolean).join('\n');
    case 'call':
      return [e.call && callLine(e, e.call, display), e.text].filter(Boolean).join('\n') || undefined;
    default:
      return e.text ?? undefined;
  }
}

/** `Voice call inbound, completed, 65 s, from X to Y, forwarded from Z, routing: queue=desk-2`. */
function callLine(e: ThreadEvent, c: NonNullable<ThreadEvent['call']>, display: (p: ThreadPerson) => string): string {
  const routing = Object.entries(c.routing ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [
    `${APPLICATION_NAMES[e.channel] ?? e.channel} call${e.direction === 'unknown' ? '' : ` ${e.direction}`}`,
    c.status,
    c.durationSec === null ? undefined : `${c.durationSec} s`,
    `from ${display(c.from)} to ${display(c.to)}`,
    c.forwardedFrom ? `forwarded from ${display(c.forwardedFrom)}` : undefined,
    routing.length ? `routing: ${routing.join('; ')}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

/** A delivery status (`status delivered of message X`) or a service action (`pin_message by X title "…"`). */
function statusLine(e: ThreadEvent): string {
  const a = e.action;
  const who = (p: { value: string; displayName?: string }) => p.displayName ?? p.value;
  const said = a
    ? [
        a.type,
        a.actor ? `by ${who(a.actor)}` : undefined,
        a.targetMessageId ? `on message ${a.targetMessageId}` : undefined,
        a.title ? `title "${a.title}"` : undefined,
        a.members?.length ? `members ${a.members.map(who).join(', ')}` : undefined,
      ]
    : [`status ${e.status?.status ?? 'unknown'}`, e.status?.of ? `of message ${e.status.of}` : undefined];
  return said.filter(Boolean).join(' ');
}
