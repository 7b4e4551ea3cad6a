import { formatUtc } from './format';

/**
 * Times in a chosen IANA time zone, by the browser's own Intl.DateTimeFormat (no time-zone library
 * in the bundle). UTC stays the default everywhere (see format.ts: reviewers compare with exports and
 * audit records, all in UTC); the conversation view lets a reviewer read a thread in the zone the
 * people in it lived in. Every time shown carries its offset, so it is never ambiguous.
 */

export const UTC = 'UTC';

/** A few zones compliance teams ask for, besides UTC and the browser's own. */
export const COMMON_ZONES: readonly string[] = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Paris',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Hong_Kong',
  'Asia/Tokyo',
  'Australia/Sydney',
];

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per zone (building one is costly; a thread formats hundreds of times); null for a zone the runtime does not know. */
function formatterFor(zone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(zone)) {
    let f: Intl.DateTimeFormat | null = null;
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return formatters.get(zone) ?? null;
}

export function isKnownZone(zone: string): boolean {
  return formatterFor(zone) !== null;
}

/**
 * "2026-11-29T14:03:27.120Z" in "America/New_York" → "2026-11-29 09:03:27 UTC-05:00"; in UTC →
 * "2026-11-29 14:03:27 UTC". Without seconds when `withSeconds` is false. Anything unparseable is
 * shown as given; an unknown zone falls back to UTC (and says so, by its "UTC" suffix).
 */
export function formatInZone(iso: string, zone: string, withSeconds = true): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const f = zone === UTC ? null : formatterFor(zone);
  if (!f) return formatUtc(iso, withSeconds);
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(t))) parts[p.type] = p.value;
  const offset = offsetLabel(parts.timeZoneName ?? '');
  const time = `${parts.hour}:${parts.minute}${withSeconds ? `:${parts.second}` : ''}`;
  return `${parts.year}-${parts.month}-${parts.day} ${time} ${offset}`;
}

/** ICU's "GMT-05:00" (or "GMT" at zero) as "UTC-05:00" / "UTC+00:00", minus signs in ASCII. */
function offsetLabel(name: string): string {
  const m = /^(?:GMT|UTC)([+\-\u2212])(\d{1,2})(?::?(\d{2}))?$/.exec(name.trim());
  if (!m) return 'UTC+00:00';
  const sign = m[1] === '+' ? '+' : '-';
  return `UTC${sign}${m[2].padStart(2, '0')}:${m[3] ?? '00'}`;
}

/** The browser's own zone, or null when it has none to say (or one the runtime cannot format). */
export function browserTimeZone(): string | null {
  try {
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isKnownZone(zone) ? zone : null;
  } catch {
    return null;
  }
}

export interface ZoneChoice {
  value: string;
  label: string;
}

/** The time-zone select's options: UTC first (the default), the browser's zone next, then the common ones; each once. */
export function zoneChoices(browserZone: string | null): ZoneChoice[] {
  const out: ZoneChoice[] = [{ value: UTC, label: 'UTC' }];
  if (browserZone && browserZone !== UTC && browserZone !== 'Etc/UTC') out.push({ value: browserZone, label: `${zoneName(browserZone)} (this browser)` });
  for (const zone of COMMON_ZONES) {
    if (out.some((c) => c.value === zone)) continue;
    if (isKnownZone(zone)) out.push({ value: zone, label: zoneName(zone) });
  }
  return out;
}

/** "America/New_York" → "America/New York": the IANA name, readable. */
export function zoneName(zone: string): string {
  return zone.replace(/_/g, ' ');
}
