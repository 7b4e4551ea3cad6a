import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleDir } from '@custody/console';
import type { LockPolicy } from '@custody/policy';
import { PRESETS } from '@custody/policy';
import { ConfigError } from '@custody/errors';
import { DirectoryResolution, HoldJobs } from '@custody/governance';
import { BusAuditSink, KeyStore, mintApiKey } from '@custody/api';
import { topicsFor, type Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import { ActivityTracker, ReconciliationCounter, controlTopicsFor, mergeActivity, openControlPlane } from '@custody/control';
import { ExportJobs } from '@custody/exports';
import { Supervision } from '@custody/supervision-service';
import { normalizeIdentifier } from '@custody/connector-kit';
import { custodyVersion } from './version';
import { connectorInstances } from '@custody/connectors';
import { OidcSignIn, SessionStore, createHttpServer, oidcSettings } from '@custody/http';
import type { Logger } from '@custody/logger';
import { createAdapters, type Adapters } from './adapters';
import { tenantLockPolicy } from './maintenance-session';
import { custodyMetrics } from './metrics';
import { observeHttpRequest } from '@custody/metrics';
import { runtimeRoutes } from './runtime-routes';
import { connectorCodec, loadSecretBox } from './secret-keys';
import { consumedTopicSpecs } from './topic-specs';
import { SERVICE_MODULES, type ServiceContext, type Started } from './services';
import { quarantineTopicSpec } from './topic-specs';
import { Readiness, dependenciesFor, startInBackground } from './readiness';
import { loadLogKeys, publishedKeys } from './log-signing-key';
import { startWormConformance } from './worm-conformance';

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
  // OIDC sign-in where the API is served: its provider discovered before anything opens (an endpoint off the issuer's origin stops start-up)
  const oidcConfig = config.CUSTODY_SERVICES.includes('api') ? oidcSettings(config) : undefined;
  const oidc = oidcConfig && (await OidcSignIn.open(oidcConfig, { logger }));
  const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
  const adapters = opts.adapters ?? (await createAdapters(config, logger));
  const services = new Set(config.CUSTODY_SERVICES);
  const state = { ready: false };
  const readiness = new Readiness({ dependencies: dependenciesFor(services, adapters, config.CUSTODY_MODE), logger });
  const starting = new AbortController();

  // one record may carry a whole webhook body (quarantine, source.raw): the topics take what HTTP accepts
  const maxMessageBytes = 2 * config.CUSTODY_MAX_BODY_BYTES + 1024 * 1024;
  const prepared = readiness.waitFor('topics, archive store and search index');
  await adapters.bus.ensureTopics([
    ...[topics.raw, topics.dlq].map((name) => ({ name, maxMessageBytes })),
    ...consumedTopicSpecs(config, services, topics, maxMessageBytes),
    // forensic samples and rejected deliveries are kept for investigation, not forever
    quarantineTopicSpec(config, topics.quarantine, maxMessageBytes),
  ]);
  await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
  // never trust a store not tested: a store that fails the WORM probe stops a stack process here (worm-conformance.ts)
  const wormConformance = await startWormConformance({ config, services, store: adapters.store, readiness, logger, signal: starting.signal }).catch(
    async (err: unknown) => {
      await adapters.close();
      throw err;
    },
  );
  prepared();
  const controlRead = readiness.waitFor('control plane (connectors, keys, settings)');
  const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger.child({ component: 'control' }), {
    connectorCodec: connectorCodec(await loadSecretBox(config, logger)),
  });
  controlRead();
  const keys = new KeyStore(config.CUSTODY_API_KEYS, control.apiKeys);
  const silence = { minEventsPerHour: config.CUSTODY_SILENCE_MIN_EVENTS_PER_HOUR, afterMinutes: config.CUSTODY_SILENCE_AFTER_MINUTES };
  const activity = new ActivityTracker({
    table: control.activity,
    logger: logger.child({ component: 'gateway' }),
    onGap: (inst, gap) => metrics.sequenceGap(inst, gap.missing),
  });
  // one writer per process: its row key names the host and the services it runs
  const reconciliation = new ReconciliationCounter({
    table: control.reconciliation,
    logger: logger.child({ component: 'reconciliation' }),
    role: [...services].sort().join('+'),
  });
  reconciliation.start();
  const metrics = custodyMetrics(
    adapters.bus,
    { groupId: config.CUSTODY_ARCHIVER_GROUP, topics: [topics.customerData] },
    logger,
    adapters.corruptBusRecords,
    wormConformance.latest,
    // one set of connector series per deployment: the process that serves the API
    services.has('api') ? { activity: () => mergeActivity(activity.rows()), silence } : undefined,
  );
  const tenantPolicy = tenantLockPolicy(config, control);
  const audit = new BusAuditSink(adapters.bus, topics.audit);
  if (services.has('api')) await auditPresetReleases(releases, audit, logger);
  const holdJobs = new HoldJobs({ store: adapters.store, index: adapters.index, holds: control.holds, logger: logger.child({ component: 'governance' }) });
  const logKeys = await loadLogKeys(config, logger);
  const exportJobs = new ExportJobs({
    store: adapters.store,
    index: adapters.index,
    holds: control.holds,
    exports: control.exports,
    audit,
    logger: logger.child({ component: 'exports' }),
    retentionDays: config.CUSTODY_EXPORT_RETENTION_DAYS,
    custodyVersion: custodyVersion(),
    verificationKeys: publishedKeys(logKeys),
  });
  const supervision = new Supervision({
    bus: adapters.bus,
    store: adapters.store,
    index: adapters.index,
    tables: { alerts: control.alerts, samplingPlans: control.samplingPlans, lookbacks: control.lookbacks, directory: control.directory },
    topics,
    groupId: config.CUSTODY_SUPERVISION_GROUP,
    audit,
    logger: logger.child({ component: 'supervision' }),
    // a hold opened from an alert is placed as POST /v1/holds places one: participants as the hold stores them
    placeHold: (req) => holdJobs.place({ ...req, scope: { ...req.scope, participants: req.scope.participants.map(normalizeIdentifier) } }),
    metrics: metrics.deadLetters,
  });
  const resolution = new DirectoryResolution({
    store: adapters.store,
    index: adapters.index,
    holds: control.holds,
    logger: logger.child({ component: 'governance' }),
    pending: control.resolution,
    jobs: holdJobs,
    directoryOf: (tenant) => control.directoryOf(tenant),
  });

  const http = await createHttpServer({
    logger,
    maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES,
    publicUrl: config.CUSTODY_PUBLIC_URL,
    access: {
      lookup: (sha256) => keys.lookup(sha256),
      audit,
      failedAuthPerMinute: config.CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE,
      onFailedAuthDropped: (reason) => metrics.auditDropped.inc({ reason }),
      requestsPerMinute: { perKey: config.CUSTODY_API_REQUESTS_PER_MINUTE_PER_KEY, perAddress: config.CUSTODY_API_REQUESTS_PER_MINUTE_PER_ADDRESS },
    },
    onRequestDone: ({ route, method, status, seconds }) => observeHttpRequest(route, method, status, seconds),
    // the console's sessions and files: where the API is served (sessions are this process's, in memory)
    ...(services.has('api') && {
      sessions: new SessionStore({ idleMinutes: config.CUSTODY_SESSION_IDLE_MINUTES, maxHours: config.CUSTODY_SESSION_MAX_HOURS }),
      console: builtConsole(),
      oidc,
    }),
  });
  const ctx: ServiceContext = {
    logKeys,
    config,
    logger,
    topics,
    adapters,
    control,
    instances: connectorInstances(config.CUSTODY_CONNECTORS, control.connectors),
    metrics,
    audit,
    lockPolicy: opts.policy ?? tenantPolicy,
    tenantPolicy,
    holdJobs,
    exportJobs,
    supervision,
    resolution,
    releasedPresets: new Set(releases.map((r) => `${r.tenant}:${r.preset}`)),
    http,
    activity,
    silence,
    reconciliation,
  };
  const started: Started[] = [];
  const stopServices = async () => {
    // in reverse: what started last (the API's jobs) stops first, the consumers commit what they finished
    for (const s of [...started].reverse()) await s.stop?.();
    // after the services: what the archiver counted while it drained is written too
    await reconciliation.stop();
    await resolution.stop();
    await exportJobs.stop();
    await supervision.stop();
    await holdJobs.stop();
    await control.stop();
    await adapters.close();
  };
  http.add(runtimeRoutes({ config, readiness, metrics, services: [...services], isReady: () => state.ready }));
  let url: string;
  try {
    for (const module of SERVICE_MODULES.filter((m) => services.has(m.name as never))) {
      started.push(await module.start(ctx));
      http.add(module.routes(ctx));
    }
    url = await http.listen(config.CUSTODY_HTTP_HOST, config.CUSTODY_HTTP_PORT);
  } catch (err) {
    // a busy port: release everything (the data-dir lock included) so the caller can say so and exit
    await http.close();
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
  state.ready = true;
  // consumers join their groups after HTTP is up; stop() aborts what is still starting
  for (const c of started.flatMap((s) => s.consumers ?? [])) void startInBackground(readiness, c.what, c.start, starting.signal, logger);
  logger.info({ event: 'custody_started', url, mode: config.CUSTODY_MODE, services: [...services] });

  return {
    url,
    topics,
    adapters,
    bootstrapToken,
    // HTTP first (no new acknowledgements), then the consumer (commits what it finished), then clients.
    stop: async () => {
      state.ready = false;
      starting.abort();
      await http.close();
      await stopServices();
      logger.info({ event: 'custody_stopped' });
    },
  };
}

/** The console's files (@custody/console), if it was built: served under `/`; not built, nothing is. */
function builtConsole(): { dir: string } | undefined {
  return existsSync(join(consoleDir, 'index.html')) ? { dir: consoleDir } : undefined;
}

/** The operator's `tenant:preset` releases, checked before anything starts. */
function presetReleases(config: Config): Array<{ tenant: string; preset: string }> {
  return config.CUSTODY_RELEASE_PRESETS.map((entry) => {
    const [tenant, preset] = entry.split(':') as [string, string];
    if (!(preset in PRESETS))
      throw new ConfigError(`CUSTODY_RELEASE_PRESETS: ${entry}: no regulatory preset "${preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
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
    await audit.record({
      tenant,
      actor: { keyId: 'operator', role: 'system' },
      action: 'retention.preset_release',
      outcome: 'ok',
      status: 0,
      target: preset,
      details: { setting: 'CUSTODY_RELEASE_PRESETS' },
    });
  }
}
