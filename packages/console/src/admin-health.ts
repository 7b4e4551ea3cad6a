import type { AdminHealth, ConnectorActivity, ConnectorSummary, DayCounts } from './admin-types';
import { formatCount, formatUtc } from './format';

/**
 * What GET /v1/admin/health means to an admin: which numbers need attention, said in words. Any
 * number may be null when the deployment cannot tell (no broker to ask, no counts yet): shown as
 * "unavailable", never as 0, and never counted as a problem or as all clear.
 */

/** A consumer this many records behind is worth a look; below it, lag is the normal in-flight work. */
export const LAG_WARNING = 1000;

export function countText(n: number | null | undefined): string {
  return n == null ? 'unavailable' : formatCount(n);
}

export function lastEventText(at: string | null | undefined): string {
  return at ? formatUtc(at) : 'Never';
}

/** The sentences of what needs attention, most urgent first; empty when nothing does. */
export function healthIssues(health: AdminHealth): string[] {
  const issues: string[] = [];
  const today = health.today;
  if (today?.unaccounted) issues.push(`${plural(today.unaccounted, 'event')} received today ${today.unaccounted === 1 ? 'is' : 'are'} not accounted for.`);
  if (today?.deadLettered) issues.push(`${plural(today.deadLettered, 'event')} went to the dead-letter queue today.`);
  if (today?.quarantined) issues.push(`${plural(today.quarantined, 'delivery', 'deliveries')} ${today.quarantined === 1 ? 'was' : 'were'} quarantined today.`);
  for (const c of health.connectors.filter((c) => c.silent))
    issues.push(`Connector ${c.id} (${c.connector}) has gone silent: last event ${lastEventText(c.lastEventAt)}.`);
  for (const c of health.consumers.filter((c) => (c.lagRecords ?? 0) >= LAG_WARNING))
    issues.push(`Consumer ${c.group} is ${plural(c.lagRecords ?? 0, 'record')} behind.`);
  return issues;
}

/** The one line at the top of the health page. */
export function healthHeadline(health: AdminHealth): string {
  const issues = healthIssues(health);
  if (issues.length > 0) return `${plural(issues.length, 'thing needs', 'things need')} attention.`;
  if (!health.today && health.consumers.every((c) => c.lagRecords == null)) return 'Health figures are not available from this deployment yet.';
  return 'Nothing needs attention.';
}

/** Today's counts as labelled rows, in the order a record moves through the pipeline. */
export function dayRows(today: DayCounts): Array<{ key: keyof DayCounts; label: string; value: string; attention: boolean }> {
  const rows: Array<[Exclude<keyof DayCounts, 'day'>, string, boolean]> = [
    ['received', 'Received', false],
    ['duplicates', 'Duplicates (already archived)', false],
    ['archived', 'Archived', false],
    ['indexed', 'Indexed for search', false],
    ['quarantined', 'Quarantined', true],
    ['deadLettered', 'Dead-lettered', true],
    ['unaccounted', 'Unaccounted for', true],
  ];
  return rows.map(([key, label, flag]) => ({ key, label, value: countText(today[key]), attention: flag && (today[key] ?? 0) > 0 }));
}

/**
 * The activity of a listed instance. The list names an instance by the admin's name; the health
 * answer may name it so or by its webhook id (the last part of its webhook path): either matches.
 */
export function activityOf(connector: ConnectorSummary, activities: readonly ConnectorActivity[]): ConnectorActivity | null {
  return activities.find((a) => a.id === connector.id || `/webhooks/${a.id}` === connector.webhookPath) ?? null;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
