import { apiRequest } from './api';
import type {
  AlertDetail,
  AlertList,
  AlertView,
  BulkResult,
  Disposition,
  LookbackRequest,
  LookbackView,
  MiReport,
  PeriodView,
  PlanView,
  PolicyArchived,
  PolicyDiff,
  PolicyHistory,
  PolicySummary,
  QueueView,
  ReasonCodes,
  SamplingPlan,
  StarterPackView,
  SupervisionNotification,
} from './supervision-types';
import type { ThreadPage } from './thread-types';

/**
 * The supervision pages' calls, beside api.ts: JSON through `apiRequest` (same origin, the CSRF
 * header on state changes). The examiner's CSV is a plain link (the session cookie goes with it),
 * so only its address is here.
 */

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});
const part = encodeURIComponent;
const alertUrl = (id: string, action?: string) => `/v1/supervision/alerts/${part(id)}${action ? `/${action}` : ''}`;
type Changed = Promise<{ alert: AlertView }>;

/** The alert list's filters, as GET /v1/supervision/alerts takes them. `assignee`: `me`, `none` or a key id. */
export interface AlertFilters {
  queue?: string;
  status?: 'open' | 'closed';
  level?: 1 | 2;
  assignee?: string;
  kind?: 'hit' | 'sample';
  limit: number;
  offset: number;
}

export function alertsPath(filters: AlertFilters): string {
  const query = new URLSearchParams();
  for (const name of ['queue', 'status', 'level', 'assignee', 'kind', 'limit', 'offset'] as const) {
    const value = filters[name];
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  return `/v1/supervision/alerts?${query.toString()}`;
}

/** The decision on an alert, one at a time or for many at once. */
export interface Decision {
  disposition: Disposition;
  reasonCode: string;
  reason: string;
}

export const supervisionApi = {
  queues: (signal?: AbortSignal) => apiRequest<{ queues: QueueView[] }>('GET', '/v1/supervision/queues', withSignal(signal)),
  alerts: (filters: AlertFilters, signal?: AbortSignal) => apiRequest<AlertList>('GET', alertsPath(filters), withSignal(signal)),
  alert: (id: string, signal?: AbortSignal) => apiRequest<AlertDetail>('GET', alertUrl(id), withSignal(signal)),
  /** The ±5 messages around the alert's record (the conversation view's own route). */
  context: (recordId: string, signal?: AbortSignal) =>
    apiRequest<ThreadPage>('GET', `/v1/records/${part(recordId)}/context?before=5&after=5`, withSignal(signal)),
  reasonCodes: (signal?: AbortSignal) => apiRequest<ReasonCodes>('GET', '/v1/supervision/reason-codes', withSignal(signal)),
  notifications: (signal?: AbortSignal) => apiRequest<{ notifications: SupervisionNotification[] }>('GET', '/v1/supervision/notifications', withSignal(signal)),

  claim: (id: string): Changed => apiRequest('POST', alertUrl(id, 'claim')),
  release: (id: string): Changed => apiRequest('POST', alertUrl(id, 'release')),
  assign: (id: string, to: string): Changed => apiRequest('POST', alertUrl(id, 'assign'), { body: { to } }),
  escalate: (id: string, reason: string): Changed => apiRequest('POST', alertUrl(id, 'escalate'), { body: { reason } }),
  note: (id: string, text: string): Changed => apiRequest('POST', alertUrl(id, 'notes'), { body: { text } }),
  tags: (id: string, change: { add: string[]; remove: string[] }): Changed => apiRequest('POST', alertUrl(id, 'tags'), { body: change }),
  notify: (id: string, to: string, message: string): Changed => apiRequest('POST', alertUrl(id, 'notify'), { body: { to, message } }),
  decide: (id: string, decision: Decision): Changed => apiRequest('POST', alertUrl(id, 'decide'), { body: decision }),
  openHold: (id: string, body: { matter: string; reason: string }) =>
    apiRequest<{ alert: AlertView; hold: { id: string } }>('POST', alertUrl(id, 'hold'), { body }),
  bulkClose: (ids: string[], decision: Decision) => apiRequest<BulkResult>('POST', '/v1/supervision/alerts/bulk-close', { body: { ids, ...decision } }),

  policies: (signal?: AbortSignal) => apiRequest<{ policies: PolicySummary[] }>('GET', '/v1/admin/supervision/policies', withSignal(signal)),
  starterPacks: (signal?: AbortSignal) => apiRequest<{ packs: StarterPackView[] }>('GET', '/v1/admin/supervision/starter-packs', withSignal(signal)),
  policy: (id: string, signal?: AbortSignal) => apiRequest<PolicyHistory>('GET', `/v1/admin/supervision/policies/${part(id)}`, withSignal(signal)),
  savePolicy: (id: string, format: 'yaml' | 'json', source: string) =>
    apiRequest<PolicyArchived>('PUT', `/v1/admin/supervision/policies/${part(id)}`, { body: { format, source } }),
  policyDiff: (id: string, from: string, to?: string, signal?: AbortSignal) =>
    apiRequest<PolicyDiff>(
      'GET',
      `/v1/admin/supervision/policies/${part(id)}/diff?${new URLSearchParams({ from, ...(to && { to }) }).toString()}`,
      withSignal(signal),
    ),

  plans: (signal?: AbortSignal) => apiRequest<{ plans: PlanView[] }>('GET', '/v1/admin/supervision/sampling', withSignal(signal)),
  savePlan: (plan: SamplingPlan) => apiRequest<{ plan: PlanView }>('PUT', `/v1/admin/supervision/sampling/${part(plan.id)}`, { body: plan }),
  period: (plan: string, period: string, signal?: AbortSignal) =>
    apiRequest<PeriodView>('GET', `/v1/supervision/sampling/${part(plan)}/periods/${part(period)}`, withSignal(signal)),

  lookbacks: (signal?: AbortSignal) => apiRequest<{ lookbacks: LookbackView[] }>('GET', '/v1/supervision/lookbacks', withSignal(signal)),
  startLookback: (body: LookbackRequest) => apiRequest<{ lookback: LookbackView }>('POST', '/v1/supervision/lookbacks', { body }),

  miReport: (range: { from: string; to: string; slaHours: number }, signal?: AbortSignal) =>
    apiRequest<MiReport>(
      'GET',
      `/v1/supervision/reports/mi?${new URLSearchParams({ from: range.from, to: range.to, slaHours: String(range.slaHours) }).toString()}`,
      withSignal(signal),
    ),
};

/** The examiner's export of every alert raised in the range, with what was done about it: a download. */
export function examinerReportPath(range: { from: string; to: string }, format: 'csv' | 'json' = 'csv'): string {
  return `/v1/supervision/reports/examiner?${new URLSearchParams({ from: range.from, to: range.to, format }).toString()}`;
}

/**
 * Who may do what, as the supervision routes allow it: reviewers and compliance work alerts (only
 * compliance, the principal, assigns them and decides escalated ones); auditors read; compliance
 * and legal open a legal hold from one; admins and compliance write policies and sampling plans.
 */
export function canWorkAlerts(role: string): boolean {
  return role === 'reviewer' || role === 'compliance';
}

export function canAssign(role: string): boolean {
  return role === 'compliance';
}

export function canOpenHold(role: string): boolean {
  return role === 'compliance' || role === 'legal';
}

export function canWritePolicies(role: string): boolean {
  return role === 'admin' || role === 'compliance';
}

export function canRunLookbacks(role: string): boolean {
  return role === 'compliance';
}

/** A sampling period and the records it drew (admins, who write plans, read no records). */
export function canReadPeriods(role: string): boolean {
  return role === 'compliance' || role === 'auditor' || role === 'reviewer';
}

/** Records and their conversations are read by the roles that search; a reviewer reads an alert's own texts. */
export function canReadRecords(role: string): boolean {
  return role === 'compliance' || role === 'legal' || role === 'auditor';
}
