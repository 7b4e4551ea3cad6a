/**
 * Text helpers of the transcript: times in UTC and in the reader's zone, people, sizes, durations.
 * All pure and locale-fixed, so the same document renders to the same bytes wherever it runs.
 */

/** `2025-01-01 10:00:00 UTC · 2025-01-01 11:00:00 CET (UTC+01:00)`: an abbreviation alone can be ambiguous (CST), the offset is not. */
export type Clock = (iso: string) => string;

export function clock(timeZone: string): Clock {
  // one formatter for the whole document: building one per event is what makes thousands of events slow;
  // an unknown zone throws RangeError here, before anything is rendered
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return (iso) => {
    const at = new Date(iso);
    // envelopes carry validated ISO times; anything else is shown as stored rather than guessed at
    if (Number.isNaN(at.getTime())) return iso;
    const p = Object.fromEntries(local.formatToParts(at).map((part) => [part.type, part.value]));
    const ms = at.getUTCMilliseconds();
    const fraction = ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`;
    const utc = `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)}${fraction} UTC`;
    if (p.timeZoneName === 'UTC') return utc;
    const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    const offset = Math.round((wall - (at.getTime() - ms)) / 60000);
    // where ICU has no abbreviation it gives GMT+9: the offset alone then says it
    const name = /^GMT[+-]/.test(p.timeZoneName) ? '' : `${p.timeZoneName} `;
    return `${utc} · ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}${fraction} ${name}(${utcOffset(offset)})`;
  };
}

function utcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `Alice (+15550783881, employee emp-7)`: who, by the name the platform showed and the identifier that names them. */
export function who(p: Person | null): string {
  if (!p) return 'unknown';
  const id = p.employeeId ? `${p.value}, employee ${p.employeeId}` : p.value;
  return p.displayName ? `${p.displayName} (${id})` : id;
}

/** A person as threadView gives one, or as a service action names one (the envelope's Participant). */
type Person = { value: string; displayName?: string | null; employeeId?: string | null };

/** `1234 bytes (1.2 KiB)`: the exact count is what a reviewer compares, the rounded one what they read. */
export function bytes(n: number | null): string {
  if (n === null) return 'size not recorded';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return unit === '' ? `${n} bytes` : `${n} bytes (${v.toFixed(1)} ${unit})`;
}

/** `0:01:05 (65 s)`. */
export function duration(sec: number): string {
  const whole = Math.floor(sec);
  const hms = `${Math.floor(whole / 3600)}:${String(Math.floor(whole / 60) % 60).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
  return `${hms} (${sec} s)`;
}

/** `U+1F44D`: emoji are outside the PDF font, so a reaction also names its code points. */
export function codePoints(s: string): string {
  return Array.from(s, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/**
 * Controls other than line breaks, and bidirectional overrides and isolates (the set displayText of
 * @custody/envelope removes from names), shown as U+FFFD: the PDF shows text in stored order and must
 * not let a message reorder or hide part of itself. The exact text is in the native production.
 */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

export function readable(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(UNSAFE, '\uFFFD');
}

/** Vendor data of unknown shape (call routing, action details) as compact JSON, in the order it was stored. */
export function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Bates-style production number: prefix and zero-padded counter. */
export function productionNumber(prefix: string, n: number, digits: number): string {
  return `${prefix}${String(n).padStart(digits, '0')}`;
}
