import { Archiver, FixedRetention, type LockPolicy } from '@custody/archiver';
import { BusAuditSink, StaticKeyStore, apiRoutes, type ApiKeyStore } from '@custody/api';
import { topicsFor, type Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import { gatewayRoutes, resolveInstances } from '@custody/gateway';
import { json, startHttpServer, type Route, type RunningServer } from '@custody/http';
import type { Logger } from '@custody/logger';
import { createAdapters, type Adapters } from './adapters';

export interface RunningCustody {
  url: string;
  topics: Topics;
  adapters: Adapters;
  stop(): Promise<void>;
}

export interface StartOptions {
  keys?: ApiKeyStore;
  policy?: LockPolicy;
  adapters?: Adapters;
}

/** Starts the services named in CUSTODY_SERVICES in this process, on the adapters the config selects. */
export async function startCustody(config: Config, logger: Logger, opts: StartOptions = {}): Promise<RunningCustody> {
  const instances = resolveInstances(config.CUSTODY_CONNECTORS);
  const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
  const adapters = opts.adapters ?? (await createAdapters(config, logger));
  const services = new Set(config.CUSTODY_SERVICES);

  await adapters.bus.ensureTopics([
    { name: topics.customerData },
    { name: topics.quarantine },
    { name: topics.dlq },
    { name: topics.audit },
  ]);
  await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);

  let archiver: Archiver | undefined;
  if (services.has('archiver')) {
    archiver = new Archiver({
      bus: adapters.bus,
      store: adapters.store,
      index: adapters.index,
      policy: opts.policy ?? new FixedRetention(config.CUSTODY_DEFAULT_RETENTION_DAYS, config.CUSTODY_MIN_LOCK_SECONDS),
      topics,
      groupId: config.CUSTODY_ARCHIVER_GROUP,
      concurrency: config.CUSTODY_ARCHIVER_CONCURRENCY,
      logger: logger.child({ component: 'archiver' }),
    });
    await archiver.start();
  }

  const routes: Route[] = [
    { method: 'GET', pattern: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    { method: 'GET', pattern: '/readyz', handler: async () => json(200, { status: 'ready', services: [...services] }) },
  ];
  if (services.has('gateway')) routes.push(...gatewayRoutes({ bus: adapters.bus, topics, instances, logger: logger.child({ component: 'gateway' }) }));
  if (services.has('api')) {
    routes.push(
      ...apiRoutes({
        keys: opts.keys ?? new StaticKeyStore(config.CUSTODY_API_KEYS),
        audit: new BusAuditSink(adapters.bus, topics.audit),
        store: adapters.store,
        index: adapters.index,
        logger: logger.child({ component: 'api' }),
      }),
    );
  }
  const server: RunningServer = await startHttpServer({
    host: config.CUSTODY_HTTP_HOST,
    port: config.CUSTODY_HTTP_PORT,
    maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES,
    publicUrl: config.CUSTODY_PUBLIC_URL,
    routes,
    logger,
  });
  logger.info({ event: 'custody_started', url: server.url, mode: config.CUSTODY_MODE, services: [...services], instances: [...instances.keys()] });

  return {
    url: server.url,
    topics,
    adapters,
    // HTTP first (no new acknowledgements), then the consumer (commits what it finished), then clients.
    stop: async () => {
      await server.close();
      await archiver?.stop();
      await adapters.close();
      logger.info({ event: 'custody_stopped' });
    },
  };
}
