import { formatCount } from './format';
import type { AlertFilters } from './supervision-api';
import { dispositionLabel, reasonCodeLabel } from './supervision-forms';
import type { Actor, AlertEvent, AlertView } from './supervision-types';

/**
 * The review queue's state in the address (/review?queue=guarantees&status=open&page=2), so going
 * back from an alert, reloading or sharing the link shows the same list; and the words its rows and
 * an alert's history are shown in. Pure, so the unit tests pin them.
 */

export const PAGE_SIZE = 50;

/** The filters a person chooses; `status` defaults to open (the work to do), `all` shows both. */
export interface QueueFilters {
  queue: string;
  status: 'open' | 'closed' | 'all';
  level: '' | '1' | '2';
  /** '' anyone, `me`, `none` (unassigned), or a key id. */
  assignee: string;
  kind: '' | 'hit' | 'sample';
  page: number;
}

export const DEFAULT_FILTERS: QueueFilters = { queue: '', status: 'open', level: '', assignee: '', kind: '', page: 1 };

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

export function filtersFromSearch(search: string): QueueFilters {
  const q = new URLSearchParams(search);
  const page = Number(q.get('page'));
  return {
    queue: (q.get('queue') ?? '').slice(0, 64),
    status: oneOf(q.get('status'), ['open', 'closed', 'all'], 'open'),
    level: oneOf(q.get('level'), ['', '1', '2'], ''),
    assignee: (q.get('assignee') ?? '').slice(0, 64),
    kind: oneOf(q.get('kind'), ['', 'hit', 'sample'], ''),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The address for these filters: only what differs from the defaults, so /review is the plain queue. */
export function searchFromFilters(filters: QueueFilters): string {
  const q = new URLSearchParams();
  if (filters.queue) q.set('queue', filters.queue);
  if (filters.status !== 'open') q.set('status', filters.status);
  if (filters.level) q.set('level', filters.level);
  if (filters.assignee) q.set('assignee', filters.assignee);
  if (filters.kind) q.set('kind', filters.kind);
  if (filters.page > 1) q.set('page', String(filters.page));
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** What GET /v1/supervision/alerts is asked for these filters. */
export function alertQuery(filters: QueueFilters): AlertFilters {
  return {
    ...(filters.queue && { queue: filters.queue }),
    ...(filters.status !== 'all' && { status: filters.status }),
    ...(filters.level && { level: Number(filters.level) as 1 | 2 }),
    ...(filters.assignee && { assignee: filters.assignee }),
    ...(filters.kind && { kind: filters.kind }),
    limit: PAGE_SIZE,
    offset: (filters.page - 1) * PAGE_SIZE,
  };
}

/** "Alerts 51–100 of 123", or that there are none; what the list hides (the caller's own chain) is said too. */
export function pageLine(total: number, page: number, shown: number, hidden: number): string {
  const hiddenNote = hidden > 0 ? ` ${formatCount(hidden)} more concern you or your reporting chain and are not shown.` : '';
  if (shown === 0) return `${total === 0 ? 'No alerts match.' : `No alerts on page ${page}; ${formatCount(total)} match.`}${hiddenNote}`;
  const first = (page - 1) * PAGE_SIZE + 1;
  return `Alerts ${formatCount(first)}–${formatCount(first + shown - 1)} of ${formatCount(total)}.${hiddenNote}`;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** What an alert is about, in a few words: the policy's rule that hit, or the plan that drew it. */
export function alertSubject(alert: Pick<AlertView, 'kind' | 'hit' | 'sample' | 'queue'>): string {
  if (alert.hit) return `${alert.hit.policyId} · ${alert.hit.ruleId}`;
  if (alert.sample) return `Sample · ${alert.sample.plan} ${alert.sample.period}`;
  return alert.queue;
}

export function stateLine(alert: Pick<AlertView, 'status' | 'level' | 'disposition'>): string {
  if (alert.status === 'closed') return alert.disposition ? `Closed: ${dispositionLabel(alert.disposition.code)}` : 'Closed';
  return alert.level === 2 ? 'Open, escalated' : 'Open';
}

export function actorLabel(actor: Actor | null | undefined): string {
  if (!actor) return 'Nobody';
  return actor.employeeId ? `${actor.keyId} (${actor.employeeId})` : actor.keyId;
}

/** One event of an alert's history, as a sentence about what was done (who and when are columns of their own). */
export function eventLine(event: AlertEvent): string {
  const d = event.details ?? {};
  const text = (key: string) => (typeof d[key] === 'string' ? d[key] : '');
  const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]).map(String) : []);
  switch (event.action) {
    case 'claim':
      return 'Claimed it.';
    case 'release':
      return 'Released it.';
    case 'assign':
      return `Assigned it to ${text('to') || 'a reviewer'}.`;
    case 'escalate':
      return `Escalated it to a principal${text('reason') ? `: ${text('reason')}` : '.'}`;
    case 'note':
      return 'Added a note.';
    case 'tag': {
      const parts = [list('add').length > 0 && `added ${list('add').join(', ')}`, list('remove').length > 0 && `removed ${list('remove').join(', ')}`];
      const said = parts.filter(Boolean).join('; ');
      return said ? `Tags: ${said}.` : 'Changed the tags.';
    }
    case 'notify':
      return `Notified ${text('to') || 'someone'}.`;
    case 'decide':
      return `Closed it: ${dispositionLabel(text('disposition'))}${text('reasonCode') ? ` (${reasonCodeLabel(text('reasonCode'))})` : ''}.`;
    case 'hold':
      return `Opened legal hold ${text('hold') || ''}`.trim() + '.';
    default:
      return `${event.action}.`;
  }
}

/** The open alerts among these: only they can be closed in bulk. */
export function closableIds(alerts: readonly Pick<AlertView, 'id' | 'status'>[]): string[] {
  return alerts.filter((a) => a.status === 'open').map((a) => a.id);
}

/** How long ago, roughly ("3 h", "2 d 4 h"), from `now`: the age of an open alert in a queue. */
export function ageOf(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const hours = Math.max(0, Math.floor(ms / 3_600_000));
  if (hours < 1) return 'under 1 h';
  if (hours < 24) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
}
