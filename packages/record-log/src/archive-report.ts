import { verificationKey, type ArchiveStore } from '@custody/archive-store';
import type { VerificationReport } from './verify-report';

/** Reports are evidence of what was checked and found; kept as long as disposition certificates. */
const REPORT_YEARS = 10;

/** Archives a verification report to WORM, write-once, beside the archive it judged. */
export async function archiveVerificationReport(store: ArchiveStore, report: VerificationReport): Promise<{ key: string; versionId: string; sha256: string }> {
  const key = verificationKey(report.tenant, report.runId);
  const put = await store.put({
    key,
    body: Buffer.from(JSON.stringify(report, null, 2)),
    contentType: 'application/json',
    retainUntil: new Date(Date.parse(report.finishedAt) + REPORT_YEARS * 365.25 * 86_400_000),
    legalHold: false,
  });
  return { key, versionId: put.versionId, sha256: put.sha256 };
}
