import { personLabel } from './format';
import type { ThreadAttachment, ThreadEvent, ThreadPerson } from './thread-types';

/**
 * What the conversation view derives from the API's thread events, pure so the unit tests pin it:
 * which side a message sits on, the text to show, whether a record is verified and why not.
 */

/** The tenant's employee on the right, the external party on the left (as in any chat app). */
export type Side = 'employee' | 'external';

/**
 * From the API's `direction` (relative to the tenant's employees): outbound is the employee's,
 * inbound the other party's; unknown stays on the left. Internal is between employees: the sender
 * is on the right when the directory resolved them to an employee.
 */
export function sideOf(event: Pick<ThreadEvent, 'direction' | 'sender'>): Side {
  if (event.direction === 'outbound') return 'employee';
  if (event.direction === 'internal' && event.sender.employeeId) return 'employee';
  return 'external';
}

export function personName(p: ThreadPerson): string {
  return personLabel(p.value, p.displayName ?? undefined);
}

/** The text a message says now: its last version's, when it was edited; the original's otherwise. */
export function currentText(event: Pick<ThreadEvent, 'text' | 'versions'>): string | null {
  const last = event.versions[event.versions.length - 1];
  return last && last.text !== null ? last.text : event.text;
}

export function isEdited(event: Pick<ThreadEvent, 'versions' | 'editedAt'>): boolean {
  return event.versions.length > 1 || event.editedAt !== null;
}

/** The fields of `verification` the badge reads, as loosely as the API could ever send them. */
export interface VerificationInput {
  objectSha256?: string;
  envelopeIntegrity?: string;
  recordLog?: string;
  logSequence?: number;
}

export type VerificationStatus = { verified: true } | { verified: false; reason: string };

/**
 * Verified when the server, reading the record back from WORM, found the object's SHA-256 and the
 * envelope's integrity hash matching, and the record log agreeing; otherwise the first reason why not.
 * (A mismatching hash fails the whole API call, so in practice "not verified" is a record the log has
 * not taken in yet; the other reasons are there so nothing else is ever shown as verified.)
 */
export function verificationStatus(v: VerificationInput | null | undefined): VerificationStatus {
  if (!v) return { verified: false, reason: 'the server gave no verification for this record' };
  if (v.objectSha256 !== 'match') return { verified: false, reason: `object SHA-256 ${v.objectSha256 ?? 'not checked'}` };
  if (v.envelopeIntegrity !== 'match') return { verified: false, reason: `envelope integrity ${v.envelopeIntegrity ?? 'not checked'}` };
  if (v.recordLog === 'pending') return { verified: false, reason: 'not in the record log yet (seconds after capture)' };
  if (v.recordLog !== 'match') return { verified: false, reason: `record log ${v.recordLog ?? 'not checked'}` };
  return { verified: true };
}

export type Preview = 'image' | 'audio' | 'file';

/** How an attachment is shown: images inline, audio (voice notes, call recordings) in a player, the rest as a download. */
export function previewOf(a: Pick<ThreadAttachment, 'kind' | 'mimeType'>): Preview {
  const type = (a.mimeType ?? '').toLowerCase();
  if (type.startsWith('image/') || (!type && (a.kind === 'image' || a.kind === 'sticker'))) return 'image';
  if (type.startsWith('audio/') || (!type && (a.kind === 'audio' || a.kind === 'voice' || a.kind === 'recording'))) return 'audio';
  return 'file';
}

/** 1536 → "1.5 KB" (1,024 bytes a KB, as file managers count). */
export function formatBytes(size: number | null): string | null {
  if (size === null || !Number.isFinite(size) || size < 0) return null;
  if (size < 1024) return `${size} ${size === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 3725 → "1 h 2 min 5 s"; 42 → "42 s". */
export function formatDuration(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h > 0 && `${h} h`, (h > 0 || m > 0) && `${m} min`, `${s} s`].filter(Boolean);
  return parts.join(' ');
}

/** The first `max` characters (code points: an emoji is never cut in half), "…" when there was more. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('').trimEnd()}…`;
}

/** A call's routing (vendor-defined: queue, forwarded-to, SIP trunk…) as label/value pairs. */
export function routingEntries(routing: Record<string, unknown> | null): Array<[string, string]> {
  if (!routing) return [];
  return Object.entries(routing).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}
