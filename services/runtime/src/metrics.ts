import type { ArchiverMetrics } from '@custody/archiver';
import type { ConformanceResult } from '@custody/archive-store';
import { connectorHealth, type InstanceActivity, type SilencePolicy } from '@custody/control';
import type { Bus, CorruptRecordCount, DeadLetterMetrics } from '@custody/bus';
import { errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { Counter, Gauge, Histogram, Registry, exposition } from '@custody/metrics';

/**
 * Every series of a Custody instance on /metrics, in one place (the process's own, and HTTP
 * requests, are added by @custody/metrics). Label names are given in alphabetical order: the text
 * format keeps the order given, and dashboards and tests read it that way.
 */
export function custodyMetrics(
  bus: Bus,
  lagOf: { groupId: string; topics: string[] },
  logger: Logger,
  corruptBusRecords?: () => Promise<CorruptRecordCount[]>,
  /** The archive store's latest WORM conformance result; undefined in a process that does not use the store. */
  wormConformance?: () => ConformanceResult | undefined,
  /** Connector instances' activity, merged over every writer, and the silence policy; given in the process that serves the API (one set of series per deployment). */
  connectors?: { activity: () => Map<string, InstanceActivity>; silence: SilencePolicy },
) {
  const registers = [new Registry()];
  const ingested = new Counter({
    name: 'custody_records_ingested_total',
    help: 'Records accepted by a connector and durably published',
    labelNames: ['channel', 'tenant'],
    registers,
  });
  const quarantined = new Counter({
    name: 'custody_records_quarantined_total',
    help: 'Rejected inputs written to the quarantine topic',
    labelNames: ['code', 'connector', 'tenant'],
    registers,
  });
  const quarantineDropped = new Counter({
    name: 'custody_quarantine_dropped_total',
    help: 'Rejected unauthenticated requests not kept (reason=rate_limited): answered 429',
    labelNames: ['connector', 'reason', 'tenant'],
    registers,
  });
  const auditDropped = new Counter({
    name: 'custody_audit_dropped_total',
    help: 'Failed authentications not audited (reason=rate_limited): past CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE',
    labelNames: ['reason'],
    registers,
  });
  const archived = new Counter({
    name: 'custody_records_archived_total',
    help: 'Records written to the WORM store (outcome=created|existing)',
    labelNames: ['channel', 'outcome', 'tenant'],
    registers,
  });
  const indexed = new Counter({ name: 'custody_records_indexed_total', help: 'Records indexed for search', labelNames: ['channel', 'tenant'], registers });
  const deadLettered = new Counter({
    name: 'custody_records_dead_lettered_total',
    help: 'Records sent to the DLQ by any consumer (step=decode|archive|raw|index|audit|media)',
    labelNames: ['channel', 'step', 'tenant'],
    registers,
  });
  const archiveSeconds = new Histogram({ name: 'custody_archive_put_seconds', help: 'Latency of one archive write', registers });
  const indexSeconds = new Histogram({ name: 'custody_index_bulk_seconds', help: 'Latency of one index bulk request', registers });

  /** Read when scraped, so never stale; a failed read leaves the series out of that scrape rather than failing it. */
  const readAtScrape = <T>(name: string, read: () => Promise<T[]> | T[], set: (sample: T) => void) =>
    async function collect(this: { reset(): void }): Promise<void> {
      this.reset();
      try {
        for (const sample of await read()) set(sample);
      } catch (err) {
        logger.debug({ event: 'metric_read_failed', metric: name, err: errorMessage(err) });
      }
    };
  const lag: Gauge = new Gauge({
    name: 'custody_consumer_lag_records',
    help: 'Records not yet committed by the archiver',
    labelNames: ['group'],
    registers,
    collect: readAtScrape(
      'custody_consumer_lag_records',
      async () => [await bus.lag(lagOf.groupId, lagOf.topics)],
      (value) => lag.set({ group: lagOf.groupId }, value),
    ),
  });
  const stalled: Gauge = new Gauge({
    name: 'custody_bus_stalled_batches',
    help: 'Batches of a consumer group retried past the stall policy without success: their partitions make no progress (see the batch_stalled log)',
    labelNames: ['group'],
    registers,
    collect: readAtScrape(
      'custody_bus_stalled_batches',
      () => bus.stalledBatches(),
      (s) => stalled.set({ group: s.group }, s.batches),
    ),
  });
  if (corruptBusRecords) {
    // a count the embedded bus keeps and only ever increases: a counter, read when scraped
    const corrupt: Counter = new Counter({
      name: 'custody_bus_corrupt_records_total',
      help: 'Embedded log records that failed their checksum at start-up, moved to the partition quarantine file (see the bus_record_corrupt log)',
      labelNames: ['topic'],
      registers,
      collect: readAtScrape('custody_bus_corrupt_records_total', corruptBusRecords, (c) => corrupt.inc({ topic: c.topic }, c.count)),
    });
  }
  if (wormConformance) {
    const conformance: Gauge = new Gauge({
      name: 'custody_worm_conformance',
      help: '1 when the archive store (label store) refused to delete, overwrite and shorten the lock of a canary at the last WORM conformance probe (start-up, then daily); 0 when it did not: its records are not safe',
      labelNames: ['store'],
      registers,
      collect: readAtScrape(
        'custody_worm_conformance',
        () => [wormConformance()].filter((r) => r !== undefined),
        (r) => conformance.set({ store: r.store }, r.ok ? 1 : 0),
      ),
    });
  }
  if (connectors) {
    const lastEvent: Gauge = new Gauge({
      name: 'custody_connector_last_event_timestamp_seconds',
      help: 'When a connector instance last delivered an authentic webhook (Unix seconds); written by the gateways at most once a minute',
      labelNames: ['connector_instance', 'tenant'],
      registers,
      collect: readAtScrape(
        'custody_connector_last_event_timestamp_seconds',
        () => [...connectors.activity().values()].filter((a) => a.lastEventAt),
        (a) => lastEvent.set({ connector_instance: a.instance, tenant: a.tenant }, Date.parse(a.lastEventAt!) / 1000),
      ),
    });
    const silent: Gauge = new Gauge({
      name: 'custody_connector_silent',
      help: '1 when a normally busy connector instance (CUSTODY_SILENCE_MIN_EVENTS_PER_HOUR) delivered nothing for CUSTODY_SILENCE_AFTER_MINUTES, else 0',
      labelNames: ['connector_instance', 'tenant'],
      registers,
      collect: readAtScrape(
        'custody_connector_silent',
        () => [...connectors.activity().values()].map((a) => ({ a, silent: connectorHealth(a, new Date(), connectors.silence).silent })),
        ({ a, silent: isSilent }) => silent.set({ connector_instance: a.instance, tenant: a.tenant }, isSilent ? 1 : 0),
      ),
    });
  }
  const sequenceGaps = new Counter({
    name: 'custody_connector_sequence_gaps_total',
    help: "Jumps in a vendor's sequence numbers (Telegram update_id, WeCom archive seq) seen by this process's gateway; see the sequence_gap log",
    labelNames: ['connector_instance', 'tenant'],
    registers,
  });
  const sequenceMissing = new Counter({
    name: 'custody_connector_sequence_missing_total',
    help: 'Sequence numbers skipped by those jumps (numbers that arrived later, out of order, are not subtracted here)',
    labelNames: ['connector_instance', 'tenant'],
    registers,
  });
  const sequenceGap = (inst: { id: string; tenant: string }, missing: number) => {
    sequenceGaps.inc({ connector_instance: inst.id, tenant: inst.tenant });
    sequenceMissing.inc({ connector_instance: inst.id, tenant: inst.tenant }, missing);
  };
  const deadLetters: DeadLetterMetrics = {
    deadLettered: (step, headers) => deadLettered.inc({ channel: headers.channel ?? 'unknown', step, tenant: headers.tenant ?? 'unknown' }),
  };
  const archiver: ArchiverMetrics = {
    ...deadLetters,
    archived: (e, created, ms) => {
      archived.inc({ channel: e.channel, outcome: created ? 'created' : 'existing', tenant: e.tenant });
      archiveSeconds.observe(ms / 1000);
    },
    indexed: (envelopes, ms) => {
      for (const e of envelopes) indexed.inc({ channel: e.channel, tenant: e.tenant });
      indexSeconds.observe(ms / 1000);
    },
  };
  const [registry] = registers;
  return { expose: () => exposition(registry), ingested, quarantined, quarantineDropped, auditDropped, archiver, deadLetters, sequenceGap };
}
