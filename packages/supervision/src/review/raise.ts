import type { Envelope } from '@custody/envelope';
import type { PolicyVersionRecord } from '../policy-versions';
import { isSampled, periodOf, sampleScore, type SamplingPlan } from '../sampling';
import { screenEnvelope } from '../screen';
import { alertId, newAlert, type Alert, type AlertRecord } from './alert';

/** Where the screened version is stored: its key, version and the SHA-256 of its bytes (what an examiner re-reads). */
export interface StoredVersion {
  key: string;
  versionId: string;
  sha256: string;
}

export function alertRecordOf(envelope: Envelope, stored: StoredVersion): AlertRecord {
  const participants = [envelope.sender, ...envelope.recipients];
  return {
    id: envelope.id,
    conversation: envelope.conversation.id,
    channel: envelope.channel,
    kind: envelope.kind,
    direction: envelope.direction,
    sentAt: envelope.sentAt,
    employeeIds: [...new Set(participants.flatMap((p) => (p.employeeId ? [p.employeeId] : [])))].sort(),
    key: stored.key,
    versionId: stored.versionId,
    sha256: stored.sha256,
  };
}

/** One alert per hit (a rule and the zone it hit in) of each policy version on the record. */
export function hitAlerts(
  envelope: Envelope,
  stored: StoredVersion,
  policies: readonly PolicyVersionRecord[],
  groups: readonly string[],
  source: string,
  at: string,
): Alert[] {
  const record = alertRecordOf(envelope, stored);
  return policies.flatMap((p) => {
    const screening = screenEnvelope(p.policy, envelope, groups);
    return screening.hits.map((hit) =>
      newAlert({
        id: alertId(envelope.tenant, { policyId: p.policyId, ruleId: `${hit.ruleId}/${hit.zone}` }, envelope.id),
        tenant: envelope.tenant,
        kind: 'hit',
        queue: p.policyId,
        record,
        hit: {
          policyId: p.policyId,
          version: p.version,
          normalizer: screening.normalizer,
          ruleId: hit.ruleId,
          severity: p.policy.severity,
          zone: hit.zone,
          spans: hit.spans,
        },
        raisedAt: at,
        source,
      }),
    );
  });
}

/** Whether the plan's population takes in a record of these employees (and their groups) on this channel. */
export function inPopulation(
  plan: SamplingPlan,
  employeeIds: readonly string[],
  groupsOf: (employeeId: string) => readonly string[],
  channel: string,
): boolean {
  const { employees, groups, channels } = plan.population;
  if (channels.length && !channels.includes(channel)) return false;
  if (employees.length === 0 && groups.length === 0) return true;
  return employeeIds.some((e) => employees.includes(e) || groupsOf(e).some((g) => groups.includes(g)));
}

/**
 * The sample alert of a record captured under a committed seed, or null: a record is drawn when its
 * score under the seed of the period it was sent in falls below the plan's rate, and only when the
 * seed was committed before the record was captured (so it was fixed before anyone knew the record).
 */
export function sampleAlert(
  envelope: Envelope,
  stored: StoredVersion,
  plan: SamplingPlan,
  seed: { seed: string; period: string; committedAt: string },
  at: string,
): Alert | null {
  if (periodOf(new Date(envelope.sentAt), plan.period).id !== seed.period) return null;
  if (Date.parse(seed.committedAt) > Date.parse(envelope.capturedAt)) return null;
  if (!isSampled(seed.seed, envelope.id, plan.rate)) return null;
  return newAlert({
    id: alertId(envelope.tenant, { plan: plan.id }, envelope.id),
    tenant: envelope.tenant,
    kind: 'sample',
    queue: plan.id,
    record: alertRecordOf(envelope, stored),
    sample: { plan: plan.id, period: seed.period, score: sampleScore(seed.seed, envelope.id), by: 'rate' },
    raisedAt: at,
    source: 'sampling',
  });
}
