import type { ArchiverMetrics } from '@custody/archiver';
import type { Bus, CorruptRecordCount } from '@custody/bus';
import { Counter, Gauge, Histogram, Registry } from '@custody/metrics';

/** Every series Custody exposes on /metrics, in one place. */
export function custodyMetrics(bus: Bus, lagOf: { groupId: string; topics: string[] }, corruptBusRecords?: () => Promise<CorruptRecordCount[]>) {
  const registry = new Registry();
  const ingested = registry.register(new Counter('custody_records_ingested_total', 'Records accepted by a connector and durably published'));
  const quarantined = registry.register(new Counter('custody_records_quarantined_total', 'Rejected inputs written to the quarantine topic'));
  const quarantineDropped = registry.register(new Counter('custody_quarantine_dropped_total', 'Rejected unauthenticated requests not kept (reason=rate_limited): answered 429'));
  const auditDropped = registry.register(new Counter('custody_audit_dropped_total', 'Failed authentications not audited (reason=rate_limited): past CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE'));
  const archived = registry.register(new Counter('custody_records_archived_total', 'Records written to the WORM store (outcome=created|existing)'));
  const indexed = registry.register(new Counter('custody_records_indexed_total', 'Records indexed for search'));
  const deadLettered = registry.register(new Counter('custody_records_dead_lettered_total', 'Records sent to the DLQ'));
  const archiveSeconds = registry.register(new Histogram('custody_archive_put_seconds', 'Latency of one archive write'));
  const indexSeconds = registry.register(new Histogram('custody_index_bulk_seconds', 'Latency of one index bulk request'));
  registry.register(
    new Gauge('custody_consumer_lag_records', 'Records not yet committed by the archiver', async () => [
      { labels: { group: lagOf.groupId }, value: await bus.lag(lagOf.groupId, lagOf.topics) },
    ]),
  );
  if (corruptBusRecords) {
    registry.register(
      new Gauge(
        'custody_bus_corrupt_records_total',
        'Embedded log records that failed their checksum at start-up, moved to the partition quarantine file (see the bus_record_corrupt log)',
        async () => (await corruptBusRecords()).map((c) => ({ labels: { topic: c.topic }, value: c.count })),
        'counter',
      ),
    );
  }
  const archiver: ArchiverMetrics = {
    archived: (e, created, ms) => {
      archived.inc({ channel: e.channel, tenant: e.tenant, outcome: created ? 'created' : 'existing' });
      archiveSeconds.observe(ms / 1000);
    },
    indexed: (envelopes, ms) => {
      for (const e of envelopes) indexed.inc({ channel: e.channel, tenant: e.tenant });
      indexSeconds.observe(ms / 1000);
    },
    deadLettered: (step, headers) => deadLettered.inc({ step, channel: headers.channel ?? 'unknown', tenant: headers.tenant ?? 'unknown' }),
  };
  return { registry, ingested, quarantined, quarantineDropped, auditDropped, archiver };
}
