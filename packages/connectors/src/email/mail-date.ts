const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 5322 obsolete zone names; military letters are unreliable per RFC 5322 4.3 and read as -0000. */
const ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };

const RFC5322 =
  /^\s*(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([+-]\d{4}|[A-Za-z]{1,5})?/;
/** The asctime date of an mbox "From " line: `Mon Jan  1 00:00:00 2024`, in UTC. */
const ASCTIME = /([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/;

/** Epoch millis of a Date header, or undefined when it is not a date any mailer writes. */
export function parseMailDate(value: string | undefined): number | undefined {
  const m = value && RFC5322.exec(value);
  if (!m) return undefined;
  const [, day, mon, yr, hh, mm, ss, zone] = m;
  const year = yr.length === 2 ? (Number(yr) < 50 ? 2000 : 1900) + Number(yr) : yr.length === 3 ? 1900 + Number(yr) : Number(yr);
  return instant(year, mon, Number(day), Number(hh), Number(mm), Number(ss ?? 0), offsetMinutes(zone));
}

export function parseAsctime(fromLine: string): number | undefined {
  const m = ASCTIME.exec(fromLine);
  return m ? instant(Number(m[6]), m[1], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 0) : undefined;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  if (/^[+-]\d{4}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  }
  const name = zone.toLowerCase();
  return Object.hasOwn(ZONES, name) ? ZONES[name] : 0;
}

function instant(year: number, mon: string, day: number, hour: number, minute: number, second: number, offset: number): number | undefined {
  const month = MONTHS.indexOf(mon.toLowerCase());
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // reject 31 Feb and the like instead of rolling over into the next month
  if (new Date(local).getUTCDate() !== day) return undefined;
  return local - offset * 60_000;
}
