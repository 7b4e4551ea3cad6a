import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { RejectedInputError } from '@custody/errors';

/** Normalizes a phone number to E.164 (+ and digits). Rejects what is not a valid number, naming the field. */
export function toE164(input: string, field: string, defaultCountry?: CountryCode): string {
  const trimmed = input.trim();
  const candidate = /^\d+$/.test(trimmed) && !defaultCountry ? `+${trimmed}` : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (!parsed || !parsed.isPossible()) throw new RejectedInputError('invalid_phone', `${field}: "${truncate(input)}" is not a valid phone number`);
  return parsed.number;
}

/** For query input: E.164 when it parses as a phone, otherwise the value unchanged (email, handle, id). */
export function normalizeIdentifier(value: string): string {
  if (!/^[+\d][\d\s().-]{5,}$/.test(value.trim())) return value.trim();
  try {
    return toE164(value, 'participant');
  } catch {
    return value.trim();
  }
}

/**
 * A participant as records carry it, for a search term: phones in E.164, email addresses in lower
 * case (as the email importer and the directory keep them), anything else as given. One function for
 * every search (the API's, an export's), so a phone typed in any format finds the same records.
 */
export function participantTerm(value: string): string {
  const v = value.trim();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v.toLowerCase() : normalizeIdentifier(v);
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
