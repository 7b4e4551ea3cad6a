/**
 * The shapes of the supervision API (services/supervision/src/schemas.ts, packages/supervision's
 * Alert, SamplingPlan and Lookback), written out by hand like types.ts: the server's zod schemas
 * would pull zod and Node code into the bundle. Field names are exactly the API's; the unit tests
 * parse what the console sends with the server's own schemas, so a rename fails there.
 */

/** The outcomes a reviewer closes an alert with, in the API's order (DISPOSITIONS). */
export const DISPOSITIONS = ['no_action', 'false_positive', 'coached', 'violation'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** The parts of a record a policy reads, in the order its hits are reported (ZONES). */
export const ZONES = ['subject', 'body', 'attachmentNames', 'transcript'] as const;
export type Zone = (typeof ZONES)[number];

export interface Actor {
  keyId: string;
  employeeId?: string;
}

export interface AlertRecordRef {
  id: string;
  conversation: string;
  channel: string;
  kind: string;
  direction: string;
  sentAt: string;
  employeeIds: string[];
  key: string;
  versionId: string;
  sha256: string;
}

/** UTF-16 [start, end) of the zone's original text. */
export interface HitSpan {
  start: number;
  end: number;
}

export interface AlertHit {
  policyId: string;
  version: string;
  normalizer: string;
  ruleId: string;
  severity: string;
  zone: Zone;
  spans: HitSpan[];
}

export interface AlertSample {
  plan: string;
  period: string;
  score: number;
  by: 'rate' | 'minimum';
}

export interface AlertEvent {
  at: string;
  by: Actor;
  action: string;
  details?: Record<string, unknown>;
}

export interface AlertView {
  id: string;
  kind: 'hit' | 'sample';
  queue: string;
  record: AlertRecordRef;
  hit?: AlertHit;
  sample?: AlertSample;
  raisedAt: string;
  source: string;
  status: 'open' | 'closed';
  level: 1 | 2;
  assignee: Actor | null;
  firstActionAt?: string;
  disposition?: { code: Disposition; reasonCode: string; reason: string; by: Actor; at: string; level: 1 | 2 };
  escalated: boolean;
  tags: string[];
  notes: { by: Actor; at: string; text: string }[];
  events: AlertEvent[];
}

export interface AlertList {
  total: number;
  alerts: AlertView[];
  /** Alerts left out because they concern the caller or their reporting chain. */
  hidden: number;
}

export interface AlertDetail {
  alert: AlertView;
  policy: { name: string; reviewerGuidance?: string; rule?: string } | null;
  /** The screened texts by zone; hit spans are UTF-16 offsets into these. */
  zones: Record<string, string>;
  /** Per zone, passages that are not the person's own words: shown de-emphasised, never hidden. */
  tagged?: Record<string, TaggedPassage[]>;
  context: string;
}

export interface TaggedPassage {
  kind: 'disclaimer' | 'signature' | 'quoted';
  start: number;
  end: number;
}

export interface QueueView {
  queue: string;
  kind: 'hit' | 'sample';
  open: number;
  escalated: number;
  unassigned: number;
  oldestOpenAt: string | null;
}

export interface ReasonCodes {
  dispositions: Record<string, string[]>;
}

export interface BulkResult {
  closed: string[];
  refused: { id: string; code: string; message: string }[];
}

export interface SupervisionNotification {
  alert: string;
  from: string;
  message: string;
  at: string;
}

export const SAMPLING_PERIODS = ['day', 'week', 'month'] as const;
export type SamplingPeriod = (typeof SAMPLING_PERIODS)[number];

export interface SamplingPlan {
  id: string;
  population: { employees: string[]; groups: string[]; channels: string[] };
  /** Share of the population's records sampled: 0 < rate ≤ 1. */
  rate: number;
  minimumPerPeriod: number;
  period: SamplingPeriod;
}

export interface PlanView {
  plan: SamplingPlan;
  updatedBy: string;
  updatedAt: string;
  current: { period: string; commitment: string; committedAt: string } | null;
}

export interface PeriodView {
  plan: string;
  period: string;
  start: string;
  end: string;
  commitment: string;
  committedAt: string;
  /** Shown once the period is over. */
  seed: string | null;
  sampled: { record: string; score: number; by: 'rate' | 'minimum' }[];
}

export const LOOKBACK_PHASES = ['planning', 'screening', 'done', 'failed'] as const;

export interface LookbackRequest {
  policyId: string;
  version?: string;
  draft?: { format: 'yaml' | 'json'; source: string };
  from: string;
  to: string;
  raiseAlerts?: boolean;
}

export interface LookbackView {
  id: string;
  policyId: string;
  version: string;
  draftVersion?: string;
  from: string;
  to: string;
  raiseAlerts: boolean;
  requestedBy: string;
  requestedAt: string;
  job: { phase: (typeof LOOKBACK_PHASES)[number]; total: number; done: number; updatedAt: string; attempts?: number; error?: string };
  result?: {
    inputsHash: string;
    corpusSha256: string;
    resultSha256: string;
    records: number;
    inScope: number;
    hits: number;
    alertsRaised: number;
    diff?: { added: number; dropped: number; sample: { added: string[]; dropped: string[] } };
  };
}

export interface PolicySummary {
  policyId: string;
  name: string;
  severity: string;
  version: string;
  archivedAt: string;
  rules: number;
}

export interface StarterPackView {
  id: string;
  name: string;
  /** The pack's YAML, archived as it is when the pack is enabled. */
  source: string;
}

export interface PolicyVersionView {
  version: string;
  archivedAt: string;
  archivedBy: string;
}

/** A rule of a policy, in its canonical form. */
export interface PolicyRule {
  id: string;
  description: string;
  match: string;
  exclude: string[];
  zones: string[];
  includeTagged: boolean;
}

export interface PolicyDocument {
  format: string;
  id: string;
  name: string;
  description: string;
  severity: string;
  references: string[];
  reviewerGuidance: string;
  scope: Record<string, string[]>;
  rules: PolicyRule[];
}

export interface PolicyHistory {
  policyId: string;
  current: PolicyVersionView & { policy: PolicyDocument };
  versions: PolicyVersionView[];
}

export interface PolicyArchived extends PolicyVersionView {
  policyId: string;
  created: boolean;
  previous: string | null;
  diff: PolicyDiff | null;
}

type FieldValue = string | boolean | readonly string[];

export interface FieldChange {
  field: string;
  before?: FieldValue;
  after?: FieldValue;
  added?: string[];
  removed?: string[];
}

/** GET /v1/admin/supervision/policies/:id/diff (packages/supervision policyDiff). */
export interface PolicyDiff {
  from: string;
  to: string;
  identical: boolean;
  fields: FieldChange[];
  scope: FieldChange[];
  rules: { added: PolicyRule[]; removed: PolicyRule[]; changed: { id: string; changes: FieldChange[] }[]; reordered: boolean };
}

export const BACKLOG_AGES = ['<1d', '1-3d', '3-7d', '>7d'] as const;

export interface MiReport {
  from: string;
  to: string;
  generatedAt: string;
  slaHours: number;
  coverage: Record<'hits' | 'samples', { raised: number; dispositioned: number; share: number | null }>;
  timeToFirstActionHours: { n: number; p50: number | null; p90: number | null; max: number | null };
  backlog: { open: number; oldestOpenAt: string | null; byAge: { age: (typeof BACKLOG_AGES)[number]; count: number }[]; slaBreaches: number };
  policies: { policyId: string; hits: number; escalated: number; precision: number | null }[];
  terms: { policyId: string; ruleId: string; hits: number }[];
  silent: { policyId: string; channel: string; weeklyAverage: number; lastWeek: number }[];
}
