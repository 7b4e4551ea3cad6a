import { toE164 } from '@custody/connector-kit';
import type { Participant } from '@custody/envelope';

// exports wrap numbers in directional marks (U+202A … U+202C) and may space them with NBSPs
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const PHONE_LIKE = /^\+[\d\s().-]{4,}$/;

export function cleanName(name: string): string {
  return name
    .replace(BIDI, '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .trim();
}

/**
 * A sender as the export wrote it: a number (a contact not in the exporter's address book) is a
 * phone participant in E.164, anything else a handle carrying the display name. A name written as
 * an international number that is not a valid number is rejected (RejectedInputError) rather
 * than archived under a guessed identity.
 */
export function senderParticipant(name: string, field: string): Participant {
  const clean = cleanName(name);
  if (PHONE_LIKE.test(clean)) return { kind: 'phone', value: toE164(clean, field) };
  return { kind: 'handle', value: clean, displayName: clean };
}

/** The exporting employee from --account: a phone, an email address, or a handle / display name. */
export function accountParticipant(account: string): Participant {
  const clean = cleanName(account);
  if (clean.includes('@')) return { kind: 'email', value: clean.toLowerCase() };
  if (/^\+?[\d\s().-]{6,}$/.test(clean)) return { kind: 'phone', value: toE164(clean.startsWith('+') ? clean : `+${clean}`, 'account') };
  return { kind: 'handle', value: clean, displayName: clean };
}

export function sameParticipant(a: Participant, b: Participant): boolean {
  return a.kind === b.kind && a.value.toLowerCase() === b.value.toLowerCase();
}
