import { TENANT_ID, TenantId } from '@custody/envelope';
import { z } from 'zod';

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not valid JSON (${(err as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Digits only: z.coerce would read a blank value as 0 (for a port: "any free port"). */
const int = (min: number, max: number) => z.string().trim().regex(/^\d+$/, 'a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
const decimal = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'a positive number')
  .transform(Number)
  .pipe(z.number().positive());
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * `keyId:base64key,…`: AES-256 keys for secrets at rest. The first seals, all open. Messages name
 * the entry by position, never its text (it is a key).
 */
export const SecretKeyList = z.string().transform((s, ctx) => {
  const entries = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'no key given' });
  const keys = entries.map((entry, i) => {
    const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_-]+={0,2})$/.exec(entry);
    const key = m ? Buffer.from(m[2], m[2].includes('-') || m[2].includes('_') ? 'base64url' : 'base64') : undefined;
    if (!m || key?.length !== 32)
      ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: expected keyId:base64 of 32 random bytes (e.g. \`openssl rand -base64 32\`)` });
    return { id: m?.[1] ?? '', key: key ?? Buffer.alloc(0) };
  });
  const ids = keys.map((k) => k.id);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'a key id appears twice' });
  return keys;
});

/** 32 bytes as base64: an Ed25519 seed or public key. Messages never show the value. */
const base64Of32 = (what: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32, `expected base64 of 32 bytes (${what})`)
    .transform((s) => Buffer.from(s, 'base64'));

export const ROLES = ['admin', 'compliance', 'legal', 'auditor', 'reviewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ConnectorInstance = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .describe('Instance id; the webhook URL is /webhooks/<id>'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional()
      .describe("The tenant admin's name for an instance created through the API; its id is derived from tenant and name"),
    connector: z.string().describe('Connector type, e.g. whatsapp-cloud'),
    tenant: TenantId.describe('Tenant whose records this instance captures'),
    config: z.record(z.string(), z.unknown()).describe("Connector settings, checked against the connector's own schema"),
  })
  .strict();
export type ConnectorInstance = z.infer<typeof ConnectorInstance>;

/**
 * The directory employee a key belongs to: required of `reviewer` keys, so supervision can refuse a
 * review of the reviewer's own messages or their reporting chain (the directory's grammar).
 */
export const KeyEmployeeId = z
  .string()
  .regex(/^[\w.@-]{1,256}$/, 'an employee id: 1–256 letters, digits, _ . @ -')
  .describe('The directory employee who holds the key (required for reviewer keys)');

export const ApiKeyRecord = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a key id: lowercase letters, digits and dashes')
      .describe('Key id, shown in audit records'),
    tenant: TenantId,
    role: Role,
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('Hex SHA-256 of the full bearer token; the token itself is never stored'),
    employeeId: KeyEmployeeId.optional(),
  })
  .strict();
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

/** Roles that see or preserve customer data: granting one needs a holder of that role to approve (separation of duties). */
export const APPROVED_ROLES = ['legal', 'compliance', 'reviewer'] as const satisfies readonly Role[];
/** Who approves a key of each such role: a holder of it, and a reviewer's key a compliance principal (who supervises reviewers). */
export const APPROVERS: Record<(typeof APPROVED_ROLES)[number], Role> = { legal: 'legal', compliance: 'compliance', reviewer: 'compliance' };

/** A request by an admin for a key of a role that needs approval; the token exists only once approved. */
export const KeyGrant = z
  .object({
    id: ApiKeyRecord.shape.id,
    tenant: TenantId,
    role: z.enum(APPROVED_ROLES),
    employeeId: KeyEmployeeId.optional(),
    requestedBy: z.string().describe('Key id of the admin who asked'),
    requestedAt: z.string(),
  })
  .strict();
export type KeyGrant = z.infer<typeof KeyGrant>;

/**
 * Every setting Custody reads, from the environment. This schema is the single source: start-up
 * validates it, the README's configuration table is generated from the descriptions.
 */
export const ConfigSchema = z
  .object({
    CUSTODY_MODE: z
      .enum(['embedded', 'stack'])
      .default('embedded')
      .describe('embedded: everything in-process under CUSTODY_DATA_DIR; stack: Kafka + S3 + OpenSearch'),
    CUSTODY_SERVICES: csv
      .pipe(z.array(z.enum(['gateway', 'archiver', 'media', 'api', 'disposition'])))
      .default(['gateway', 'archiver', 'media', 'api', 'disposition'])
      .describe('Comma-separated services this process runs'),
    CUSTODY_MAX_HEAP_MB: int(0, 1024 * 1024)
      .optional()
      .describe(
        "V8 heap limit of `custody start` and `custody export`, in MiB (--max-old-space-size); 0 leaves Node's own. Unset: 160 when the process runs only pipeline services (gateway, archiver, media), which hold nothing long-lived and otherwise let V8 grow lazily past 256 MB RSS; 192 for `custody export` (its plan takes about 300 bytes a record: raise it for exports of more than about 300,000 records); Node's own for the API, disposition and the embedded all-in-one process",
      ),
    CUSTODY_DISPOSITION_INTERVAL_SECONDS: int(60, 366 * 86_400)
      .default(86_400)
      .describe('How often the disposition service disposes of expired, unheld records of every tenant'),
    CUSTODY_AUDIT_GROUP: z.string().min(1).default('custody-audit-archiver').describe('Consumer group that archives the audit trail to WORM'),
    CUSTODY_MEDIA_GROUP: z.string().min(1).default('custody-media').describe('Consumer group of the attachment fetcher'),
    CUSTODY_MEDIA_RETRY_ATTEMPTS: int(1, 100)
      .default(8)
      .describe(
        'Fetch attempts per attachment record before it is dead-lettered with the reason (vendor outages; each connector instance backs off on its own)',
      ),
    CUSTODY_MEDIA_RETRY_INITIAL_MS: int(1, 3_600_000)
      .default(2_000)
      .describe('First backoff after a vendor outage; doubles per attempt, with full jitter, up to CUSTODY_MEDIA_RETRY_MAX_MS'),
    CUSTODY_MEDIA_RETRY_MAX_MS: int(1, 86_400_000).default(300_000).describe('Longest backoff between two fetch attempts of an attachment record'),
    CUSTODY_VENDOR_BASE_URLS: json(
      z.record(
        z.string().regex(/^[a-z0-9-]{1,64}$/, 'a connector id'),
        z.union([z.url({ protocol: /^https?$/ }), z.array(z.url({ protocol: /^https?$/ })).min(1)]),
      ),
    )
      .default({})
      .describe(
        "JSON {connectorId: base URL, or [base URL, other origins its media is served from]}: operator override of a vendor API (a proxy, a test double). That connector's media fetches may then reach these origins too, over http and on a loopback or private address; connector instances (tenants) can never set it",
      ),
    CUSTODY_MEDIA_DIRS: json(z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a connector instance id'), z.string().startsWith('/', 'an absolute path')))
      .default({})
      .describe(
        "JSON {instanceId: absolute directory}: where another program on this host stores an instance's attachments (signal-cli's attachments directory for a signal instance)",
      ),
    CUSTODY_DATA_DIR: z.string().min(1).default('./data').describe('Data directory of the embedded adapters and the local key store'),
    CUSTODY_HTTP_HOST: z.string().default('127.0.0.1').describe('Interface the HTTP server binds'),
    CUSTODY_HTTP_PORT: int(0, 65535).default(8080).describe('HTTP port (0 = any free port)'),
    CUSTODY_PUBLIC_URL: z.url().optional().describe('Public base URL vendors call, when behind a proxy (used by URL-signing vendors)'),
    CUSTODY_MAX_BODY_BYTES: int(1024, 2 ** 31)
      .default(5 * 1024 * 1024)
      .describe('Largest webhook or API body accepted; larger ones get 413 and are quarantined'),
    CUSTODY_MAX_EVENTS_PER_DELIVERY: int(1, 1_000_000)
      .default(1000)
      .describe('Most vendor events one webhook request may carry; more gets 413 and is quarantined'),
    CUSTODY_MAX_RECORD_BYTES_PER_DELIVERY: int(1024, 2 ** 31)
      .default(32 * 1024 * 1024)
      .describe('Most bytes of records one webhook request may normalize to; more gets 413 and is quarantined'),
    CUSTODY_REJECTIONS_PER_MINUTE: int(1, 1_000_000)
      .default(60)
      .describe('Unauthenticated webhook rejections kept per minute, per connector instance and per source address; past it: 429, counted, not kept'),
    CUSTODY_SILENCE_MIN_EVENTS_PER_HOUR: decimal
      .default(1)
      .describe(
        'A connector instance is normally busy when it averaged at least this many events an hour over the 7 days up to its last event; only such an instance can be reported silent',
      ),
    CUSTODY_SILENCE_AFTER_MINUTES: int(1, 525_600)
      .default(60)
      .describe(
        'A normally busy connector instance that delivered nothing for this long is silent: custody_connector_silent 1, a connector_silent log, silent in /v1/admin/connectors/:id/health',
      ),
    CUSTODY_RECONCILIATION_SETTLE_MINUTES: int(0, 1_440)
      .default(30)
      .describe(
        "How long after a UTC day's end its reconciliation report waits for records still in flight before it is made final and archived to WORM (GET /v1/admin/reconciliation)",
      ),
    CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE: int(1, 1_000_000)
      .default(60)
      .describe(
        'Failed API authentications audited (in the _system trail) per minute per source address, ten times that overall; past it: counted in custody_audit_dropped_total, not audited',
      ),
    CUSTODY_API_REQUESTS_PER_MINUTE_PER_KEY: int(1, 1_000_000)
      .default(1200)
      .describe('API requests one API key may make per minute; past it: 429 with retry-after (the call is audited as denied)'),
    CUSTODY_API_REQUESTS_PER_MINUTE_PER_ADDRESS: int(1, 1_000_000)
      .default(2400)
      .describe('API requests one source address may make per minute, before authentication; past it: 429 with retry-after'),
    CUSTODY_SESSION_IDLE_MINUTES: int(1, 7 * 24 * 60)
      .default(30)
      .describe('A console (browser) session unused this many minutes ends; signing in again starts a new one'),
    CUSTODY_SESSION_MAX_HOURS: int(1, 30 * 24)
      .default(12)
      .describe(
        'A console (browser) session ends this many hours after sign-in however much it is used (sessions live in the API process memory: a restart ends them)',
      ),
    CUSTODY_OIDC_ISSUER: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        "OpenID Connect issuer of the firm's identity provider (https; http only on 127.0.0.1 or localhost), discovered at start: the console then offers sign-in with it (authorization code + PKCE). Its redirect URI is CUSTODY_PUBLIC_URL + /v1/session/oidc/callback, so CUSTODY_PUBLIC_URL and CUSTODY_OIDC_CLIENT_ID are required with it; unset: OIDC sign-in is off",
      ),
    CUSTODY_OIDC_CLIENT_ID: z.string().trim().min(1).max(512).optional().describe('Client id of Custody at the identity provider (with CUSTODY_OIDC_ISSUER)'),
    CUSTODY_OIDC_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .describe('Client secret of Custody at the identity provider, a secret (never logged); unset: a public client, proven by PKCE alone'),
    CUSTODY_OIDC_SCOPES: z
      .string()
      .trim()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'scopes separated by single spaces')
      .refine((s) => s.split(' ').includes('openid'), 'must include openid')
      .default('openid profile email')
      .describe('Scopes asked of the identity provider, space-separated (openid among them)'),
    CUSTODY_OIDC_TENANT_CLAIM: z
      .string()
      .trim()
      .regex(/^[\w.:/-]{1,128}$/, 'a claim name')
      .default('custody_tenant')
      .describe('ID token (or userinfo) claim naming the tenant of the person signing in (a tenant id); ignored with CUSTODY_OIDC_FIXED_TENANT'),
    CUSTODY_OIDC_ROLE_CLAIM: z
      .string()
      .trim()
      .regex(/^[\w.:/-]{1,128}$/, 'a claim name')
      .default('custody_role')
      .describe(
        'ID token (or userinfo) claim naming the Custody role (admin, compliance, legal, auditor or reviewer), a string or an array of strings: values that are not Custody roles are ignored; none, or more than one Custody role, refuses the sign-in',
      ),
    CUSTODY_OIDC_EMPLOYEE_CLAIM: z
      .string()
      .trim()
      .regex(/^[\w.:/-]{1,128}$/, 'a claim name')
      .default('custody_employee')
      .describe(
        'ID token (or userinfo) claim naming the directory employee who signed in: supervision refuses them alerts about their own messages or their reporting chain, and a reviewer or compliance session without it cannot review',
      ),
    CUSTODY_OIDC_NAME: z
      .string()
      .trim()
      .regex(/^[^<>"'&\u0000-\u001f]{1,64}$/, 'a short display name')
      .optional()
      .describe('What the console calls the identity provider ("Sign in with <name>"); unset: the issuer\'s host name'),
    CUSTODY_OIDC_FIXED_TENANT: TenantId.optional().describe(
      'A deployment serving one tenant: everyone signed in with OIDC is in this tenant, and the tenant claim is not read',
    ),
    CUSTODY_QUARANTINE_RETENTION_DAYS: decimal.default(90).describe('How long quarantine records are kept on the bus'),
    CUSTODY_QUARANTINE_RETENTION_BYTES: int(1024 * 1024, 2 ** 50)
      .default(1024 ** 3)
      .describe('Quarantine bytes kept per partition before the oldest go'),
    CUSTODY_DEFAULT_RETENTION_DAYS: decimal
      .default(2557)
      .describe('Retention applied when a tenant has no setting (7 years, SEC 17a-4 floor for some records is 6)'),
    CUSTODY_EXPORT_RETENTION_DAYS: decimal
      .default(2557)
      .describe('How long an export package (and its certificate) stays locked in the WORM store: proof of what was produced, to whom, when'),
    CUSTODY_MIN_LOCK_SECONDS: int(1, 10 * 365 * 86_400)
      .default(86_400)
      .describe('Shortest object lock ever applied, for records whose retention already ran out when archived'),
    CUSTODY_RELEASE_PRESETS: csv
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[^:]+:[a-z0-9][a-z0-9.-]*$/, 'tenant:preset')
            .refine((v) => TENANT_ID.test(v.split(':')[0]), 'tenant:preset, with a tenant id of the envelope grammar'),
        ),
      )
      .default([])
      .describe(
        'Operator override, comma-separated tenant:preset (e.g. acme:sec-17a-4): lets that tenant remove an enabled regulatory preset through the API; audited at every start',
      ),
    CUSTODY_TOPIC_SUFFIX: z
      .string()
      .regex(/^[\w-]*$/)
      .default('')
      .describe('Suffix for every topic name (isolates tests and shared clusters)'),
    CUSTODY_ARCHIVER_GROUP: z.string().min(1).default('custody-archiver').describe('Consumer group of the archiver'),
    CUSTODY_ARCHIVER_CONCURRENCY: int(1, 64).default(8).describe('Parallel archive writes per batch'),
    CUSTODY_CONNECTORS: json(z.array(ConnectorInstance)).default([]).describe('JSON array of connector instances {id, connector, tenant, config}'),
    CUSTODY_BOOTSTRAP_TENANT: TenantId.default('default').describe('Tenant of the admin key minted on first start, when no key exists yet'),
    CUSTODY_METRICS_TOKEN_SHA256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .describe('Hex SHA-256 of the bearer token Prometheus presents on /metrics; unset = /metrics refuses'),
    CUSTODY_SECRETS_KEYS: SecretKeyList.optional().describe(
      'Keys sealing connector secrets at rest (AES-256-GCM), keyId:base64key,… of 32 random bytes each: the first seals, all open (rotation: put a new key first). Unset: embedded mode generates secrets.key in CUSTODY_DATA_DIR, stack mode refuses to store connector secrets',
    ),
    CUSTODY_LOG_SIGNING_KEY: base64Of32('an Ed25519 seed, e.g. `openssl rand -base64 32`')
      .optional()
      .describe(
        'Ed25519 seed (base64 of 32 random bytes) that signs the record log checkpoints; its public key is published at /v1/verification/keys. Unset: embedded mode generates log-signing.key in CUSTODY_DATA_DIR, stack mode logs leaves but signs no checkpoint (and says so)',
      ),
    CUSTODY_LOG_TRUSTED_KEYS: csv
      .pipe(z.array(base64Of32('an Ed25519 public key')))
      .default([])
      .describe(
        'Public keys (base64, 32 bytes each, comma-separated) of earlier signing keys whose checkpoints still verify after a rotation; published beside the current one',
      ),
    CUSTODY_CHECKPOINT_INTERVAL_SECONDS: int(1, 86_400)
      .default(600)
      .describe('How often a tenant log that grew is checkpointed and signed (also at every UTC day end)'),
    CUSTODY_RECORD_LOG_GROUP: z
      .string()
      .min(1)
      .default('custody-record-log')
      .describe('Consumer group that appends archived versions to the tenant record logs'),
    CUSTODY_SUPERVISION_GROUP: z
      .string()
      .min(1)
      .default('custody-supervision')
      .describe('Consumer group of the API process that screens every archived record against its tenant’s supervision policies and sampling plans'),
    CUSTODY_API_KEYS: json(z.array(ApiKeyRecord))
      .default([])
      .describe('JSON array of API keys {id, tenant, role, sha256}; tokens are never configured in clear'),
    KAFKA_BROKERS: csv
      .pipe(z.array(z.string().regex(/^[\w.-]+:\d+$/, 'host:port')).min(1))
      .optional()
      .describe('Kafka bootstrap servers, host:port,... (stack mode)'),
    KAFKA_CLIENT_ID: z.string().default('custody').describe('Kafka client id'),
    KAFKA_PRODUCE_BATCH_BYTES: int(1024, 1024 * 1024)
      .default(512 * 1024)
      .describe(
        'Publishes made while a produce request is in flight go together in the next one, up to this many bytes (a larger publish goes alone); keep it under the brokers’ message.max.bytes',
      ),
    S3_ENDPOINT: z.url().optional().describe('S3 endpoint URL (MinIO); unset for AWS'),
    S3_REGION: z.string().default('us-east-1').describe('S3 region'),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .default('custody-archive')
      .describe('Bucket with Object Lock enabled (created if missing)'),
    S3_ACCESS_KEY_ID: z.string().optional().describe('S3 access key (else the AWS default chain)'),
    S3_SECRET_ACCESS_KEY: z.string().optional().describe('S3 secret key'),
    S3_FORCE_PATH_STYLE: bool.optional().describe('Path-style addressing (default: true when S3_ENDPOINT is set)'),
    OPENSEARCH_URL: z.url().optional().describe('OpenSearch URL (stack mode)'),
    OPENSEARCH_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .default('custody')
      .describe('Prefix of every index name'),
    OPENSEARCH_USERNAME: z.string().optional().describe('OpenSearch basic-auth user'),
    OPENSEARCH_PASSWORD: z.string().optional().describe('OpenSearch basic-auth password'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  })
  .superRefine((c, ctx) => {
    oidcIssues(c).forEach(([key, message]) => ctx.addIssue({ code: 'custom', path: [key], message }));
    if (c.CUSTODY_MODE !== 'stack') return;
    for (const key of ['KAFKA_BROKERS', 'OPENSEARCH_URL'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when CUSTODY_MODE=stack' });
    }
  });

/**
 * The OIDC settings, checked together: an issuer on https (http only on this host, for a test or a
 * local provider), and what sign-in cannot do without. No message shows a value (the secret is one).
 */
function oidcIssues(c: {
  CUSTODY_OIDC_ISSUER?: string;
  CUSTODY_OIDC_CLIENT_ID?: string;
  CUSTODY_OIDC_CLIENT_SECRET?: string;
  CUSTODY_OIDC_FIXED_TENANT?: string;
  CUSTODY_OIDC_NAME?: string;
  CUSTODY_PUBLIC_URL?: string;
}): Array<[string, string]> {
  if (!c.CUSTODY_OIDC_ISSUER) {
    const stray = (['CUSTODY_OIDC_CLIENT_ID', 'CUSTODY_OIDC_CLIENT_SECRET', 'CUSTODY_OIDC_FIXED_TENANT', 'CUSTODY_OIDC_NAME'] as const).filter(
      (k) => c[k] !== undefined,
    );
    return stray.map((k) => [k, 'set without CUSTODY_OIDC_ISSUER (OIDC sign-in is off)']);
  }
  const issues: Array<[string, string]> = [];
  const issuer = new URL(c.CUSTODY_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname))
    issues.push(['CUSTODY_OIDC_ISSUER', 'must be https (http only on 127.0.0.1 or localhost)']);
  if (issuer.search || issuer.hash || issuer.username || issuer.password)
    issues.push(['CUSTODY_OIDC_ISSUER', 'an issuer identifier has no query, fragment or credentials']);
  if (!c.CUSTODY_OIDC_CLIENT_ID) issues.push(['CUSTODY_OIDC_CLIENT_ID', 'required with CUSTODY_OIDC_ISSUER']);
  if (!c.CUSTODY_PUBLIC_URL)
    issues.push(['CUSTODY_PUBLIC_URL', 'required with CUSTODY_OIDC_ISSUER: the redirect URI is CUSTODY_PUBLIC_URL/v1/session/oidc/callback']);
  else if (!/^https?:$/.test(new URL(c.CUSTODY_PUBLIC_URL).protocol)) issues.push(['CUSTODY_PUBLIC_URL', 'must be http(s) with CUSTODY_OIDC_ISSUER']);
  return issues;
}

export type Config = z.infer<typeof ConfigSchema>;
