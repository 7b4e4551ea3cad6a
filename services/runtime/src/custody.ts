import { Archiver, AuditArchiver, type LockPolicy } from '@custody/archiver';
import { DATA_TYPES } from '@custody/policy';
import { HoldJobs, dispositionRoutes, holdRoutes, retentionRoutes } from '@custody/governance';
import { BusAuditSink, FailedAuthAudit, KeyStore, adminRoutes, auditRoutes, keyRoutes, apiRoutes, attachmentRoutes, directoryRoutes, hashToken, mintApiKey } from '@custody/api';
import { MediaWorker } from '@custody/media';
import { topicsFor, type Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import { TenantLockPolicy, controlTopicsFor, openControlPlane } from '@custody/control';
import { startDispositionSchedule, tenantsOf } from './disposition-schedule';
import { mediaContexts, safeEqual } from '@custody/connector-kit';
import { gatewayRoutes, instanceDirectory, resolveInstance } from '@custody/gateway';
import { json, problem, startHttpServer, type Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import { createAdapters, type Adapters } from './adapters';
import { custodyMetrics } from './metrics';
import { connectorCodec, loadSecretBox } from './secret-keys';

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
  const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
  const adapters = opts.adapters ?? (await createAdapters(config, logger));
  const services = new Set(config.CUSTODY_SERVICES);
  let ready = false;

  // one record may carry a whole webhook body (quarantine, source.raw): the topics take what HTTP accepts
  const maxMessageBytes = 2 * config.CUSTODY_MAX_BODY_BYTES + 1024 * 1024;
  await adapters.bus.ensureTopics([
    ...[topics.customerData, topics.raw, topics.dlq, topics.audit, topics.mediaRetry].map((name) => ({ name, maxMessageBytes })),
    // forensic samples and rejected deliveries are kept for investigation, not forever
    { name: topics.quarantine, maxMessageBytes, retentionMs: Math.round(config.CUSTODY_QUARANTINE_RETENTION_DAYS * 86_400_000), retentionBytes: config.CUSTODY_QUARANTINE_RETENTION_BYTES },
  ]);
  await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
  const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger.child({ component: 'control' }), { connectorCodec: connectorCodec(await loadSecretBox(config, logger)) });
  const instances = instanceDirectory(config.CUSTODY_CONNECTORS, control.connectors);
  const keys = new KeyStore(config.CUSTODY_API_KEYS, control.apiKeys);
  const metrics = custodyMetrics(adapters.bus, { groupId: config.CUSTODY_ARCHIVER_GROUP, topics: [topics.customerData] }, adapters.corruptBusRecords);

  let bootstrapToken: string | undefined;
  if (services.has('api') && config.CUSTODY_API_KEYS.length === 0 && control.apiKeys.values().length === 0) {
    const minted = mintApiKey(config.CUSTODY_BOOTSTRAP_TENANT, 'admin', 'bootstrap-admin');
    await control.apiKeys.put(minted.record.sha256, minted.record);
    bootstrapToken = minted.token;
    logger.warn({ event: 'bootstrap_key_created', tenant: config.CUSTODY_BOOTSTRAP_TENANT, key_id: minted.record.id });
  }

  const tenantPolicy = new TenantLockPolicy(control.retention, control.holds, config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, config.CUSTODY_MIN_LOCK_SECONDS);
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
    await archiver.start();
    // the audit trail is archived like customer data, for as long as the tenant's longest setting
    auditArchiver = new AuditArchiver({
      bus: adapters.bus,
      store: adapters.store,
      topic: topics.audit,
      groupId: config.CUSTODY_AUDIT_GROUP,
      retainFor: async (tenant) => Math.max(config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, ...DATA_TYPES.map((t) => tenantPolicy.retentionSeconds(tenant, t, 'audit'))),
      logger: logger.child({ component: 'audit-archiver' }),
    });
    await auditArchiver.start();
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
    });
    await media.start();
  }

  const audit = new BusAuditSink(adapters.bus, topics.audit);
  const governance = { store: adapters.store, index: adapters.index, holds: control.holds, logger: logger.child({ component: 'governance' }) };
  const holdJobs = new HoldJobs(governance);
  if (services.has('api')) holdJobs.resume();
  const disposition = services.has('disposition')
    ? startDispositionSchedule({ ...governance, audit, retention: control.retention, tenants: () => tenantsOf(control), intervalMs: config.CUSTODY_DISPOSITION_INTERVAL_SECONDS * 1000 })
    : undefined;
  const apiLogger = logger.child({ component: 'api' });
  const routes: Route[] = [
    { method: 'GET', pattern: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    { method: 'GET', pattern: '/readyz', handler: async () => (ready ? json(200, { status: 'ready', mode: config.CUSTODY_MODE, services: [...services] }) : problem(503, 'starting', 'not ready yet')) },
    {
      method: 'GET',
      pattern: '/metrics',
      handler: async (req) => {
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!config.CUSTODY_METRICS_TOKEN_SHA256) return problem(401, 'unauthenticated', 'metrics are disabled: set CUSTODY_METRICS_TOKEN_SHA256');
        if (!token || !safeEqual(hashToken(token), config.CUSTODY_METRICS_TOKEN_SHA256)) return problem(401, 'unauthenticated', 'bearer token required');
        return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body: await metrics.registry.expose() };
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
    routes.push(...retentionRoutes({ ...common, retention: control.retention, policy: tenantPolicy, store: adapters.store, index: adapters.index }));
    routes.push(...dispositionRoutes({ ...common, ...governance, retention: control.retention }));
  }
  const server = await startHttpServer({
    host: config.CUSTODY_HTTP_HOST,
    port: config.CUSTODY_HTTP_PORT,
    maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES,
    publicUrl: config.CUSTODY_PUBLIC_URL,
    routes,
    logger,
  });
  ready = true;
  logger.info({ event: 'custody_started', url: server.url, mode: config.CUSTODY_MODE, services: [...services] });

  return {
    url: server.url,
    topics,
    adapters,
    bootstrapToken,
    // HTTP first (no new acknowledgements), then the consumer (commits what it finished), then clients.
    stop: async () => {
      ready = false;
      await server.close();
      disposition?.stop();
      await archiver?.stop();
      await auditArchiver?.stop();
      await media?.stop();
      await egress.close();
      await holdJobs.stop();
      await control.stop();
      await adapters.close();
      logger.info({ event: 'custody_stopped' });
    },
  };
}


