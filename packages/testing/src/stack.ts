/**
 * A whole Custody on the real stack, for end-to-end tests: this module loads the API (API keys), so
 * it stays out of the package's index; tests of a single package import `@custody/testing` only.
 */
import { randomBytes } from 'node:crypto';
import { mintApiKey } from '@custody/api';
import { loadConfig, type Config } from '@custody/config';
import { uniqueName } from './names';
import { requireStackEnv } from './stack-env';
import { waitFor } from './wait';

export interface TestTenant {
  tenant: string;
  token: string;
}

export interface StackConfig {
  config: Config;
  name: string;
  appSecret: string;
  verifyToken: string;
  keys: Record<'compliance' | 'other' | 'admin' | 'legal' | 'auditor', TestTenant>;
}

/** Config for one test: unique topics/bucket/index, a WhatsApp instance for tenant "acme" (plus `extraConnectors`), keys for two tenants. */
export function stackConfig(
  overrides: Record<string, string> = {},
  extraConnectors: Array<{ id: string; connector: string; tenant: string; config: Record<string, unknown> }> = [],
): StackConfig {
  const name = uniqueName();
  const appSecret = `app-secret-${randomBytes(8).toString('hex')}`;
  const verifyToken = `verify-${randomBytes(8).toString('hex')}`;
  const compliance = mintApiKey('acme', 'compliance');
  const other = mintApiKey('globex', 'compliance');
  const admin = mintApiKey('acme', 'admin');
  const legal = mintApiKey('acme', 'legal');
  const auditor = mintApiKey('acme', 'auditor');
  const config = loadConfig({
    ...requireStackEnv(),
    CUSTODY_HTTP_PORT: '0',
    CUSTODY_TOPIC_SUFFIX: name,
    CUSTODY_ARCHIVER_GROUP: `archiver-${name}`,
    CUSTODY_MEDIA_GROUP: `media-${name}`,
    // a group shared by tests running in parallel (each on its own topics) would hand one test's partitions to another
    CUSTODY_AUDIT_GROUP: `audit-${name}`,
    CUSTODY_RECORD_LOG_GROUP: `record-log-${name}`,
    CUSTODY_SUPERVISION_GROUP: `supervision-${name}`,
    // stack processes share one signing key; each test its own
    CUSTODY_LOG_SIGNING_KEY: randomBytes(32).toString('base64'),
    S3_BUCKET: `custody-${name}`,
    OPENSEARCH_INDEX_PREFIX: `custody-${name}`,
    CUSTODY_DEFAULT_RETENTION_DAYS: '1',
    CUSTODY_MIN_LOCK_SECONDS: '60',
    CUSTODY_CONNECTORS: JSON.stringify([
      { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret, verifyToken } },
      ...extraConnectors,
    ]),
    CUSTODY_API_KEYS: JSON.stringify([compliance.record, other.record, admin.record, legal.record, auditor.record]),
    // expected rejections log warnings by the dozen in these tests; LOG_LEVEL=warn shows them
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...overrides,
  });
  return {
    config,
    name,
    appSecret,
    verifyToken,
    keys: {
      compliance: { tenant: 'acme', token: compliance.token },
      other: { tenant: 'globex', token: other.token },
      admin: { tenant: 'acme', token: admin.token },
      legal: { tenant: 'acme', token: legal.token },
      auditor: { tenant: 'acme', token: auditor.token },
    },
  };
}

/**
 * The vendor bytes a record came from, as GET /v1/records/:id/raw serves them (hash re-checked).
 * A webhook delivery is archived beside its records, so it may land a moment after them.
 */
export async function rawOf(baseUrl: string, token: string, id: string): Promise<string> {
  const res = await waitFor(`the delivery of ${id}`, async () => {
    const r = await fetch(`${baseUrl}/v1/records/${id}/raw`, { headers: { authorization: `Bearer ${token}` } });
    return r.status === 200 ? r : undefined;
  });
  return res.text();
}

/** One API call with a bearer key; a string body is sent as is (malformed JSON on purpose), anything else as JSON. */
export async function apiCall(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}
