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

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
