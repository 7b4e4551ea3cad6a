import type { Hold } from '@custody/policy';

export interface HoldReportRow {
  id: string;
  matter: string;
  status: string;
  reason: string;
  scope: Hold['scope'];
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
  recordsHeld: number;
  job: string;
}

/** Who placed and released each hold, when, why, over what, and how many records it holds now. */
export async function holdReport(holds: Hold[], held: (h: Hold) => Promise<number>): Promise<HoldReportRow[]> {
  const sorted = [...holds].sort((a, b) => a.placedAt.localeCompare(b.placedAt));
  return Promise.all(
    sorted.map(async (h) => ({
      id: h.id,
      matter: h.matter,
      status: h.status,
      reason: h.reason,
      scope: h.scope,
      placedBy: h.placedBy,
      placedAt: h.placedAt,
      releasedBy: h.releasedBy ?? null,
      releasedAt: h.releasedAt ?? null,
      releaseReason: h.releaseReason ?? null,
      recordsHeld: await held(h),
      job: `${h.job.kind}:${h.job.state}`,
    })),
  );
}

const COLUMNS: Array<keyof HoldReportRow> = ['id', 'matter', 'status', 'reason', 'scope', 'placedBy', 'placedAt', 'releasedBy', 'releasedAt', 'releaseReason', 'recordsHeld', 'job'];

/**
 * What a spreadsheet may run as a formula: = + - @ (or their full-width forms), also after leading
 * whitespace, NBSP, zero-width or control characters, which spreadsheets skip; and a leading tab or CR.
 */
const FORMULA = /^[\s\u0000-\u001f\u007f\u00a0\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

/** One RFC 4180 cell; a value a spreadsheet could run as a formula is prefixed with ' so it stays text. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180, every cell through csvCell. */
export function reportCsv(rows: HoldReportRow[]): string {
  const cell = csvCell;
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
