/**
 * The shapes the admin pages read from the /v1/admin API, written out by hand like types.ts (the
 * server's zod schemas would pull zod into the bundle). Field names are exactly the API's.
 */

/** How GET /v1/admin/connector-types describes one setting of a connector's config schema. */
export type ConnectorFieldType = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object';

export interface ConnectorField {
  name: string;
  required: boolean;
  /** Write-only: never pre-filled, never shown back. */
  secret: boolean;
  description?: string;
  type: ConnectorFieldType;
  options?: string[];
  default?: unknown;
}

export interface ConnectorType {
  connector: string;
  channel?: string;
  fields: ConnectorField[];
}

/** GET /v1/admin/connectors: an instance, its settings by name only (values are never sent back). */
export interface ConnectorSummary {
  id: string;
  connector: string;
  webhookPath: string;
  settings: string[];
}

/** PUT /v1/admin/connectors/:name. */
export interface ConnectorSaved {
  id: string;
  connector: string;
  tenant: string;
  webhookPath: string;
}

export interface SequenceGap {
  at: string;
  from: number;
  to: number;
  missing: number;
}

/** GET /v1/admin/connectors/:name/health. */
export interface ConnectorHealth {
  id: string;
  connector: string;
  lastEventAt: string | null;
  eventsLastHour: number;
  averagePerHour: number;
  silent: boolean;
  since: string | null;
  silence: { minEventsPerHour: number; afterMinutes: number };
  gaps: SequenceGap[];
}

/** GET /v1/admin/health: null where the deployment cannot tell (no broker, no counts yet). */
export interface AdminHealth {
  consumers: Array<{ group: string; lagRecords: number | null }>;
  today: DayCounts | null;
  connectors: ConnectorActivity[];
}

export interface DayCounts {
  day: string;
  received: number | null;
  quarantined: number | null;
  archived: number | null;
  duplicates: number | null;
  deadLettered: number | null;
  indexed: number | null;
  unaccounted: number | null;
}

export interface ConnectorActivity {
  id: string;
  connector: string;
  lastEventAt: string | null;
  silent: boolean | null;
  quarantinedToday: number | null;
  deadLetteredToday: number | null;
}

export const ROLES = ['admin', 'compliance', 'legal', 'auditor', 'reviewer'] as const;

/** GET /v1/admin/api-keys. */
export interface KeyList {
  keys: Array<{ id: string; role: string; tenant: string; employeeId?: string; source: 'environment' | 'api' }>;
  pending: Array<{ id: string; role: string; employeeId?: string; requestedBy?: string; requestedAt?: string }>;
}

/** POST /v1/admin/api-keys: 201 with the token (shown once), or 202 waiting for a second person. */
export type KeyCreated =
  { id: string; tenant: string; role: string; token: string } | { id: string; tenant: string; role: string; status: 'pending_approval'; approve: string };

export interface Duration {
  value: number;
  unit: 'seconds' | 'days' | 'years';
}

export interface RetentionInput {
  default: Duration;
  byType: Partial<Record<string, Duration>>;
  byChannel: Partial<Record<string, Duration>>;
  presets: string[];
}

export interface RetentionSettings extends RetentionInput {
  version: number;
  changedBy?: string;
  changedAt?: string;
}

export interface Preset {
  label: string;
  floor: Duration;
}

/** GET /v1/admin/retention: settings are null until an admin first saves them. */
export interface RetentionView {
  settings: RetentionSettings | null;
  presets: Record<string, Preset>;
}

export interface EmployeeIdentifier {
  kind: 'phone' | 'email' | 'handle';
  value: string;
  from?: string;
  to?: string;
}

export interface Employee {
  employeeId: string;
  name?: string;
  identifiers: EmployeeIdentifier[];
}

/** POST /v1/admin/directory/import. */
export interface DirectoryImport {
  employees: number;
  identifiers: number;
  created: number;
  updated: number;
}
