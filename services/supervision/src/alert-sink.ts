import type { AlertTable } from '@custody/control';
import type { AuditSink } from '@custody/http';
import type { Alert } from '@custody/supervision';

/** Alerts are raised by Custody itself (screening, lookbacks, sampling): the audit trail names it so. */
export const SUPERVISION_ACTOR = { keyId: 'custody-supervision', role: 'system' } as const;

/**
 * Raises alerts not raised before: the audit event first (the evidence that it was raised, with
 * the record's hash and the policy version), then its row. An alert whose row exists is left as
 * it is, so a redelivered batch or a lookback over screened records never raises one twice. The
 * event comes first so a crash between the two raises it again with a second event (the row's
 * deterministic id makes the row one) rather than leaving a row no event explains.
 */
export async function raiseAlerts(deps: { alerts: AlertTable; audit: AuditSink }, alerts: readonly Alert[]): Promise<Alert[]> {
  const fresh = [...new Map(alerts.filter((a) => !deps.alerts.get(a.id)).map((a) => [a.id, a])).values()];
  for (const a of fresh)
    await deps.audit.record({
      tenant: a.tenant,
      actor: SUPERVISION_ACTOR,
      action: 'supervision.alert.raised',
      outcome: 'ok',
      status: 0,
      target: a.id,
      details: {
        kind: a.kind,
        queue: a.queue,
        source: a.source,
        record: a.record.id,
        recordSha256: a.record.sha256,
        ...(a.hit && {
          policy: a.hit.policyId,
          version: a.hit.version,
          normalizer: a.hit.normalizer,
          rule: a.hit.ruleId,
          zone: a.hit.zone,
          spans: a.hit.spans,
        }),
        ...(a.sample && { plan: a.sample.plan, period: a.sample.period, score: a.sample.score, by: a.sample.by }),
      },
    });
  if (fresh.length) await deps.alerts.putAll(fresh.map((a) => [a.id, a] as const));
  return fresh;
}
