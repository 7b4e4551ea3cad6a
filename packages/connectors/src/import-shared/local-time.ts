import { CustodyError, RejectedInputError } from '@custody/errors';

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

const EXAMPLE = 'e.g. --timezone Europe/London, America/New_York or Asia/Singapore';

/**
 * The --timezone an import of local times must be given: exports written in the exporter's wall
 * clock (WhatsApp .txt, old Telegram exports) carry no offset, and reading them as UTC would
 * misdate every record by the exporter's offset. Not a RejectedInputError on purpose: met inside
 * one event's normalization it must stop the import once, not quarantine every message after it.
 */
export function requireTimeZone(timeZone: string | undefined, why: string): string {
  if (timeZone === undefined || timeZone.trim() === '') {
    throw new CustodyError('timezone_required', `${why}; pass --timezone with the IANA zone of the device that exported it (${EXAMPLE})`);
  }
  formatter(timeZone);
  return timeZone;
}

/** Throws a RejectedInputError naming the zone when Intl does not know it. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The wall time is a real calendar instant (no 31 April, no 25:00). */
export function isValidWallTime(t: WallTime): boolean {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  return (
    t.year >= 1 &&
    d.getUTCFullYear() === t.year &&
    d.getUTCMonth() === t.month - 1 &&
    d.getUTCDate() === t.day &&
    d.getUTCHours() === t.hour &&
    d.getUTCMinutes() === t.minute &&
    d.getUTCSeconds() === t.second
  );
}

/**
 * Local wall-clock time in an IANA zone → epoch millis. Two passes settle the offset across DST
 * changes: a time inside a spring-forward gap moves forward by the gap, and a repeated fall-back
 * time resolves to one of its two instants deterministically.
 */
export function wallTimeToUtc(t: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const firstGuess = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(firstGuess, timeZone);
}

/** "YYYY-MM-DDTHH:MM:SS" as written, zone-free: what a record's identity hashes. */
export function formatWallTime(t: WallTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}

function offsetAt(utcMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new RejectedInputError('invalid_timezone', `--timezone "${timeZone}" is not an IANA time zone (${EXAMPLE})`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}
