import type { Alert } from './alert';

/** The columns of the examiner export: FINRA 3110.07's who reviewed what, when, and what was done, per reviewed item. */
export const EXAMINER_COLUMNS = [
  'alertId',
  'kind',
  'queue',
  'recordId',
  'recordSha256',
  'recordKey',
  'recordVersionId',
  'channel',
  'sentAt',
  'employees',
  'policyId',
  'policyVersion',
  'normalizer',
  'ruleId',
  'zone',
  'spans',
  'samplePlan',
  'samplePeriod',
  'sampleScore',
  'raisedAt',
  'raisedBy',
  'firstActionAt',
  'reviewerKey',
  'reviewerEmployee',
  'reviewedAt',
  'level',
  'escalated',
  'disposition',
  'reasonCode',
  'reason',
  'notes',
  'holds',
] as const;
export type ExaminerRow = Record<(typeof EXAMINER_COLUMNS)[number], string | number | boolean>;

/** One row per alert decided in [from, to), in the order they were decided. */
export function examinerRows(alerts: readonly Alert[], from: Date, to: Date): ExaminerRow[] {
  return alerts
    .filter((a) => a.disposition && Date.parse(a.disposition.at) >= from.getTime() && Date.parse(a.disposition.at) < to.getTime())
    .sort((a, b) => a.disposition!.at.localeCompare(b.disposition!.at) || a.id.localeCompare(b.id))
    .map((a) => ({
      alertId: a.id,
      kind: a.kind,
      queue: a.queue,
      recordId: a.record.id,
      recordSha256: a.record.sha256,
      recordKey: a.record.key,
      recordVersionId: a.record.versionId,
      channel: a.record.channel,
      sentAt: a.record.sentAt,
      employees: a.record.employeeIds.join(' '),
      policyId: a.hit?.policyId ?? '',
      policyVersion: a.hit?.version ?? '',
      normalizer: a.hit?.normalizer ?? '',
      ruleId: a.hit?.ruleId ?? '',
      zone: a.hit?.zone ?? '',
      spans: a.hit ? a.hit.spans.map((s) => `${s.start}-${s.end}`).join(' ') : '',
      samplePlan: a.sample?.plan ?? '',
      samplePeriod: a.sample?.period ?? '',
      sampleScore: a.sample?.score ?? '',
      raisedAt: a.raisedAt,
      raisedBy: a.source,
      firstActionAt: a.firstActionAt ?? '',
      reviewerKey: a.disposition!.by.keyId,
      reviewerEmployee: a.disposition!.by.employeeId ?? '',
      reviewedAt: a.disposition!.at,
      level: a.disposition!.level,
      escalated: a.escalated,
      disposition: a.disposition!.code,
      reasonCode: a.disposition!.reasonCode,
      reason: a.disposition!.reason,
      notes: a.notes.length,
      holds: a.events.flatMap((e) => (e.action === 'hold' ? [String(e.details?.hold)] : [])).join(' '),
    }));
}
