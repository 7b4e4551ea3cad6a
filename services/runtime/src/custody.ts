import { Archiver, AuditArchiver } from '@custody/archiver';
import { DATA_TYPES, PRESETS, type LockPolicy } from '@custody/policy';
import { ConfigError, errorMessage } from '@custody/errors';
import { DirectoryResolution, HoldJobs, dispositionRoutes, holdRoutes, retentionRoutes } from '@custody/governance';
import { adminRoutes, auditRoutes, keyRoutes, apiRoutes, attachmentRoutes, directoryRoutes } from '@custody/api';
import { MediaWorker } from '@custody/media';
import { topicsFor, type Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import { TenantLockPolicy, controlTopicsFor, openControlPlane } from '@custody/control';
import { startDispositionSchedule, tenantsOf } from './disposition-schedule';
import { mediaContexts, safeEqual } from '@custody/connector-kit';
import { gatewayRoutes } from '@custody/gateway';
import { connectorInstances, resolveInstance } from '@custody/connectors';
import { BusAuditSink, FailedAuthAudit, KeyStore, hashToken, json, mintApiKey, problem, startHttpServer, type Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import { createAdapters, type Adapters } from './adapters';
import { custodyMetrics } from './metrics';
import { connectorCodec, loadSecretBox } from './secret-keys';
import { quarantineTopicSpec } from './topic-specs';
import { Readiness, dependenciesFor, startInBackground } from './readiness';

export interface RunningCustody {
  url: string;
  topics: Topics;
  adapters: Adapters;
  /** Set on the first start of an empty deployment only; never stored in clear. */
  bootstrapToken?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  policy?: LockPolicy;
  adapters?: Adapters;
}

/** Starts the services named in CUSTODY_SERVICES in this process, on the adapters the config selects. */
export async function startCustody(config: Config, logger: Logger, opts: StartOptions = {}): Promise<RunningCustody> {
  const releases = presetReleases(config);
  const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
  const adapters = opts.adapters ?? (await createAdapters(config, logger));
  const services = new Set(config.CUSTODY_SERVICES);
  let ready = false;
  const readiness = new Readiness({ dependencies: dependenciesFor(services, adapters, config.CUSTODY_MODE), logger });
  // consumers join their groups after HTTP is up (see startInBackground); stop() aborts what is still starting
  const consumerStarts: Array<{ what: string; start: () => Promise<void> }> = [];
  const starting = new AbortController();

  // one record may carry a whole webhook body (quarantine, source.raw): the topics take what HTTP accepts
  const maxMessageBytes = 2 * config.CUSTODY_MAX_BODY_BYTES + 1024 * 1024;
  const prepared = readiness.waitFor('topics, archive store and search index');
  await adapters.bus.ensureTopics([
    ...[topics.customerData, topics.raw, topics.dlq, topics.audit, topics.mediaRetry].map((name) => ({ name, maxMessageBytes })),
    // forensic samples and rejected deliveries are kept for investigation, not forever
    quarantineTopicSpec(config, topics.quarantine, maxMessageBytes),
  ]);
  await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
  prepared();
  const controlRead = readiness.waitFor('control plane (connectors, keys, settings)');
  const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger.child({ component: 'control' }), { connectorCodec: connectorCodec(await loadSecretBox(config, logger)) });
  controlRead();
  const instances = connectorInstances(config.CUSTODY_CONNECTORS, control.connectors);
  const keys = new KeyStore(config.CUSTODY_API_KEYS, control.apiKeys);
  const metrics = custodyMetrics(adapters.bus, { groupId: config.CUSTODY_ARCHIVER_GROUP, topics: [topics.customerData] }, logger, adapters.corruptBusRecords);

  const tenantPolicy = new TenantLockPolicy(control.retention, control.holds, config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, config.CUSTODY_MIN_LOCK_SECONDS, (tenant) => control.directoryOf(tenant));
  const lockPolicy = opts.policy ?? tenantPolicy;
  let archiver: Archiver | undefined;
  let auditArchiver: AuditArchiver | undefined;
  if (services.has('archiver')) {
    archiver = new Archiver({
      bus: adapters.bus,
      store: adapters.store,
      index: adapters.index,
      policy: lockPolicy,
      topics,
      groupId: config.CUSTODY_ARCHIVER_GROUP,
      concurrency: config.CUSTODY_ARCHIVER_CONCURRENCY,
      logger: logger.child({ component: 'archiver' }),
      metrics: metrics.archiver,
    });
    consumerStarts.push({ what: `consumer group ${config.CUSTODY_ARCHIVER_GROUP}`, start: () => archiver!.start() });
    // the audit trail is archived like customer data, for as long as the tenant's longest setting
    auditArchiver = new AuditArchiver({
      bus: adapters.bus,
      store: adapters.store,
      topic: topics.audit,
      dlq: topics.dlq,
      groupId: config.CUSTODY_AUDIT_GROUP,
      retainFor: async (tenant) => Math.max(config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, ...DATA_TYPES.map((t) => tenantPolicy.retentionSeconds(tenant, t, 'audit'))),
      logger: logger.child({ component: 'audit-archiver' }),
      metrics: metrics.deadLetters,
    });
    consumerStarts.push({ what: `consumer group ${config.CUSTODY_AUDIT_GROUP}`, start: () => auditArchiver!.start() });
  }

  let media: MediaWorker | undefined;
  // vendor base URLs and local media directories are the operator's (environment), never a tenant's
  const egress = mediaContexts({ baseUrls: config.CUSTODY_VENDOR_BASE_URLS, mediaDirs: config.CUSTODY_MEDIA_DIRS });
  if (services.has('media')) {
    media = new MediaWorker({
      bus: adapters.bus,
      store: adapters.store,
      policy: lockPolicy,
      instances,
      contextFor: (inst) => egress.contextFor(inst.connector, inst.id),
      topics,
      groupId: config.CUSTODY_MEDIA_GROUP,
      retry: { attempts: config.CUSTODY_MEDIA_RETRY_ATTEMPTS, initialMs: config.CUSTODY_MEDIA_RETRY_INITIAL_MS, maxMs: config.CUSTODY_MEDIA_RETRY_MAX_MS },
      logger: logger.child({ component: 'media' }),
      metrics: metrics.deadLetters,
    });
    consumerStarts.push({ what: `consumer group ${config.CUSTODY_MEDIA_GROUP}`, start: () => media!.start() });
  }

  const audit = new BusAuditSink(adapters.bus, topics.audit);
  if (services.has('api')) await auditPresetReleases(releases, audit, logger);
  const governance = { store: adapters.store, index: adapters.index, holds: control.holds, logger: logger.child({ component: 'governance' }) };
  const holdJobs = new HoldJobs(governance);
  const resolution = new DirectoryResolution({ ...governance, pending: control.resolution, jobs: holdJobs, directoryOf: (tenant) => control.directoryOf(tenant) });
  if (services.has('api')) {
    holdJobs.resume();
    resolution.resume();
    // records captured before a directory change are resolved again (an own write is read back unchanged: skipped)
    control.directory.onChange((_key, before, after) => {
      const tenant = (after ?? before)?.tenant;
      if (!tenant || JSON.stringify(before) === JSON.stringify(after)) return;
      resolution.changed(tenant, [before, after]).catch((err) => logger.error({ event: 'directory_change_not_recorded', tenant, err: errorMessage(err) }));
    });
  }
  const disposition = services.has('disposition')
    ? startDispositionSchedule({ ...governance, audit, retention: control.retention, tenants: () => tenantsOf(control), intervalMs: config.CUSTODY_DISPOSITION_INTERVAL_SECONDS * 1000 })
    : undefined;
  const apiLogger = logger.child({ component: 'api' });
  const routes: Route[] = [
    { method: 'GET', pattern: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    { method: 'GET', pattern: '/readyz', handler: async () => (ready ? readiness.response({ mode: config.CUSTODY_MODE, services: [...services] }) : problem(503, 'starting', 'not ready yet')) },
    {
      method: 'GET',
      pattern: '/metrics',
      handler: async (req) => {
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!config.CUSTODY_METRICS_TOKEN_SHA256) return problem(401, 'unauthenticated', 'metrics are disabled: set CUSTODY_METRICS_TOKEN_SHA256');
        if (!token || !safeEqual(hashToken(token), config.CUSTODY_METRICS_TOKEN_SHA256)) return problem(401, 'unauthenticated', 'bearer token required');
        const { contentType, body } = await metrics.expose();
        return { status: 200, headers: { 'content-type': contentType }, body };
      },
    },
  ];
  if (services.has('gateway')) {
    routes.push(
      ...gatewayRoutes({
        bus: adapters.bus,
        topics,
        instances,
        logger: logger.child({ component: 'gateway' }),
        directoryOf: (tenant) => control.directoryOf(tenant),
        limits: { maxEvents: config.CUSTODY_MAX_EVENTS_PER_DELIVERY, maxEnvelopeBytes: config.CUSTODY_MAX_RECORD_BYTES_PER_DELIVERY },
        rejectionsPerMinute: config.CUSTODY_REJECTIONS_PER_MINUTE,
        onDropped: (inst, reason) => metrics.quarantineDropped.inc({ connector: inst.connector.id, tenant: inst.tenant, reason }),
        onAccepted: (inst, envelopes) => envelopes.forEach((e) => metrics.ingested.inc({ channel: e.channel, tenant: inst.tenant })),
        onQuarantined: (inst, code) => metrics.quarantined.inc({ connector: inst?.connector.id ?? 'unknown', tenant: inst?.tenant ?? 'unknown', code }),
      }),
    );
  }
  if (services.has('api')) {
    const failedAuth = new FailedAuthAudit(audit, apiLogger, config.CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE, (reason) => metrics.auditDropped.inc({ reason }));
    const common = { keys, audit, logger: apiLogger, failedAuth };
    routes.push(...apiRoutes({ ...common, store: adapters.store, index: adapters.index }));
    routes.push(...keyRoutes({ ...common, apiKeys: control.apiKeys, keyGrants: control.keyGrants, configuredKeys: keys.configuredKeys() }));
    routes.push(...adminRoutes({ ...common, connectors: control.connectors, validateConnector: (inst) => void resolveInstance(inst) }));
    routes.push(...directoryRoutes({ ...common, directory: control.directory }));
    routes.push(...attachmentRoutes({ ...common, store: adapters.store }));
    routes.push(...auditRoutes({ ...common, store: adapters.store }));
    routes.push(...holdRoutes({ ...common, holds: control.holds, jobs: holdJobs, index: adapters.index }));
    routes.push(...retentionRoutes({ ...common, retention: control.retention, policy: tenantPolicy, store: adapters.store, index: adapters.index, releasedPresets: new Set(releases.map((r) => `${r.tenant}:${r.preset}`)) }));
    routes.push(...dispositionRoutes({ ...common, ...governance, retention: control.retention }));
  }
  const stopServices = async () => {
    disposition?.stop();
    await archiver?.stop();
    await auditArchiver?.stop();
    await media?.stop();
    await egress.close();
    await resolution.stop();
    await holdJobs.stop();
    await control.stop();
    await adapters.close();
  };
  let server;
  try {
    server = await startHttpServer({
      host: config.CUSTODY_HTTP_HOST,
      port: config.CUSTODY_HTTP_PORT,
      maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES,
      publicUrl: config.CUSTODY_PUBLIC_URL,
      routes,
      logger,
    });
  } catch (err) {
    // a busy port: release everything (the data-dir lock included) so the caller can say so and exit
    await stopServices();
    throw err;
  }

  // minted only once the server listens: a key nobody is ever shown would be an admin key lost
  let bootstrapToken: string | undefined;
  // no admin at all (a compliance key the operator created before the first start does not count)
  if (services.has('api') && config.CUSTODY_API_KEYS.length === 0 && !control.apiKeys.values().some((k) => k.role === 'admin')) {
    const minted = mintApiKey(config.CUSTODY_BOOTSTRAP_TENANT, 'admin', 'bootstrap-admin');
    await control.apiKeys.put(minted.record.sha256, minted.record);
    bootstrapToken = minted.token;
    logger.warn({ event: 'bootstrap_key_created', tenant: config.CUSTODY_BOOTSTRAP_TENANT, key_id: minted.record.id });
  }
  ready = true;
  for (const c of consumerStarts) void startInBackground(readiness, c.what, c.start, starting.signal, logger);
  logger.info({ event: 'custody_started', url: server.url, mode: config.CUSTODY_MODE, services: [...services] });

  return {
    url: server.url,
    topics,
    adapters,
    bootstrapToken,
    // HTTP first (no new acknowledgements), then the consumer (commits what it finished), then clients.
    stop: async () => {
      ready = false;
      starting.abort();
      await server.close();
      await stopServices();
      logger.info({ event: 'custody_stopped' });
    },
  };
}

/** The operator's `tenant:preset` releases, checked before anything starts. */
function presetReleases(config: Config): Array<{ tenant: string; preset: string }> {
  return config.CUSTODY_RELEASE_PRESETS.map((entry) => {
    const [tenant, preset] = entry.split(':') as [string, string];
    if (!(preset in PRESETS)) throw new ConfigError(`CUSTODY_RELEASE_PRESETS: ${entry}: no regulatory preset "${preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
    return { tenant, preset };
  });
}

/**
 * An operator's release of a regulatory preset is the only way to remove one, so each start that
 * carries one says so: a warning in the log and an audit event in the tenant's trail.
 */
async function auditPresetReleases(releases: Array<{ tenant: string; preset: string }>, audit: BusAuditSink, logger: Logger): Promise<void> {
  for (const { tenant, preset } of releases) {
    logger.warn({ event: 'retention_preset_release_configured', tenant, preset, setting: 'CUSTODY_RELEASE_PRESETS' });
    await audit.record({ tenant, actor: { keyId: 'operator', role: 'system' }, action: 'retention.preset_release', outcome: 'ok', status: 0, target: preset, details: { setting: 'CUSTODY_RELEASE_PRESETS' } });
  }
}
