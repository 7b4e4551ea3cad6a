import { csvTable } from '@custody/http';
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

const COLUMNS: Array<keyof HoldReportRow> = [
  'id',
  'matter',
  'status',
  'reason',
  'scope',
  'placedBy',
  'placedAt',
  'releasedBy',
  'releasedAt',
  'releaseReason',
  'recordsHeld',
  'job',
];

/** RFC 4180, every cell neutralized (the reason, matter and names are tenant-supplied). */
export function reportCsv(rows: HoldReportRow[]): string {
  return csvTable(COLUMNS, rows);
}
