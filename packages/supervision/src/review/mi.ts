import { ACTIONED_DISPOSITIONS, type Alert } from './alert';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

export interface MiOptions {
  from: Date;
  to: Date;
  now: Date;
  slaHours: number;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
const round = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
/** Escalated to a principal, or closed as something that needed action: the numerator of a policy's precision. */
export const wasEscalated = (a: Alert) => a.escalated || (a.disposition !== undefined && ACTIONED_DISPOSITIONS.includes(a.disposition.code));

/**
 * Management information over the alerts raised in [from, to): coverage, time to first action,
 * backlog and SLA breaches, precision per policy (escalated ÷ hits), hits per rule, and alarms for
 * a policy and channel that produced hits every week before and none in the range's last week
 * (a silent population is as likely a broken capture or a lexicon gone stale as good behaviour).
 */
export function miReport(all: readonly Alert[], o: MiOptions) {
  const inRange = all.filter((a) => Date.parse(a.raisedAt) >= o.from.getTime() && Date.parse(a.raisedAt) < o.to.getTime());
  const hits = inRange.filter((a) => a.kind === 'hit');
  const samples = inRange.filter((a) => a.kind === 'sample');
  const closed = (list: Alert[]) => list.filter((a) => a.status === 'closed').length;
  const firstAction = inRange
    .filter((a) => a.firstActionAt)
    .map((a) => (Date.parse(a.firstActionAt!) - Date.parse(a.raisedAt)) / HOUR)
    .sort((a, b) => a - b);
  const open = inRange.filter((a) => a.status === 'open');
  const ageOf = (a: Alert) => o.now.getTime() - Date.parse(a.raisedAt);
  const buckets = { '<1d': 0, '1-3d': 0, '3-7d': 0, '>7d': 0 };
  for (const a of open) {
    const age = ageOf(a);
    buckets[age < DAY ? '<1d' : age < 3 * DAY ? '1-3d' : age < WEEK ? '3-7d' : '>7d']++;
  }
  const sla = o.slaHours * HOUR;
  const breaches = inRange.filter((a) => (a.status === 'open' ? ageOf(a) : Date.parse(a.disposition!.at) - Date.parse(a.raisedAt)) > sla).length;

  const perPolicy = new Map<string, { hits: number; escalated: number }>();
  const perRule = new Map<string, { policyId: string; ruleId: string; hits: number }>();
  for (const a of hits) {
    const p = perPolicy.get(a.hit!.policyId) ?? { hits: 0, escalated: 0 };
    p.hits++;
    if (wasEscalated(a)) p.escalated++;
    perPolicy.set(a.hit!.policyId, p);
    const key = `${a.hit!.policyId}\n${a.hit!.ruleId}`;
    const r = perRule.get(key) ?? { policyId: a.hit!.policyId, ruleId: a.hit!.ruleId, hits: 0 };
    r.hits++;
    perRule.set(key, r);
  }

  return {
    from: o.from.toISOString(),
    to: o.to.toISOString(),
    generatedAt: o.now.toISOString(),
    slaHours: o.slaHours,
    coverage: {
      hits: { raised: hits.length, dispositioned: closed(hits), share: share(closed(hits), hits.length) },
      samples: { raised: samples.length, dispositioned: closed(samples), share: share(closed(samples), samples.length) },
    },
    timeToFirstActionHours: {
      n: firstAction.length,
      p50: round(quantile(firstAction, 0.5)),
      p90: round(quantile(firstAction, 0.9)),
      max: round(firstAction.at(-1) ?? null),
    },
    backlog: {
      open: open.length,
      oldestOpenAt: open.map((a) => a.raisedAt).sort()[0] ?? null,
      byAge: Object.entries(buckets).map(([age, count]) => ({ age: age as keyof typeof buckets, count })),
      slaBreaches: breaches,
    },
    policies: [...perPolicy]
      .map(([policyId, p]) => ({ policyId, hits: p.hits, escalated: p.escalated, precision: share(p.escalated, p.hits) }))
      .sort((a, b) => a.policyId.localeCompare(b.policyId)),
    terms: [...perRule.values()].sort((a, b) => b.hits - a.hits || a.policyId.localeCompare(b.policyId) || a.ruleId.localeCompare(b.ruleId)),
    silent: silentPopulations(all, o.to),
  };
}

/** A policy and channel with at least one hit in each of the four weeks before the last seven days before `to`, and none in those days. */
export function silentPopulations(all: readonly Alert[], to: Date) {
  const end = to.getTime();
  const weeks = new Map<string, number[]>();
  for (const a of all) {
    if (a.kind !== 'hit') continue;
    const week = Math.floor((end - Date.parse(a.raisedAt)) / WEEK);
    if (week < 0 || week > 4) continue;
    const key = `${a.hit!.policyId}\n${a.record.channel}`;
    const counts = weeks.get(key) ?? [0, 0, 0, 0, 0];
    counts[week]++;
    weeks.set(key, counts);
  }
  return [...weeks]
    .filter(([, c]) => c[0] === 0 && c.slice(1).every((n) => n > 0))
    .map(([key, c]) => {
      const [policyId, channel] = key.split('\n');
      return { policyId, channel, weeklyAverage: c.slice(1).reduce((s, n) => s + n, 0) / 4, lastWeek: 0 };
    })
    .sort((a, b) => a.policyId.localeCompare(b.policyId) || a.channel.localeCompare(b.channel));
}
