import { setMaxListeners } from 'node:events';
import { access, constants, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ConfigError, DependencyUnavailableError, IntegrityError, NotFoundError, RejectedInputError, backoffDelay, errorMessage, sleep } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { BatchRetries, type StallPolicy, type StalledBatchCount } from '../batch-retry';
import type { BatchContext, BatchHandler, Bus, BusRecord, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../port';
import { PRIVATE_DIR, PRIVATE_FILE, fsyncDir, removeStaleTemps, writeFileAtomic } from '@custody/durable-fs';
import { Serial, fileName } from './files';
import { GroupOffsets } from './group-offsets';
import { PartitionLog, type DamagedRegion, type NewRecord, type RetentionPolicy } from './partition-log';

export interface EmbeddedBusOptions {
  dir: string;
  logger: Logger;
  defaultPartitions?: number;
  /** Idle consumers look again after this long; publishes in this process wake them at once. */
  pollIntervalMs?: number;
  /** How often topics with a retention delete what has expired (Kafka: log.retention.check.interval.ms). */
  retentionCheckMs?: number;
  /** The clock for record timestamps and retention (tests). */
  now?: () => number;
  /** When a batch retried without success counts as stalled (default DEFAULT_STALL). */
  stall?: StallPolicy;
  /** Roll bound of log segments (default SEGMENT_BYTES; tests use small ones). */
  segmentBytes?: number;
}

interface Topic {
  name: string;
  partitions: number;
  compacted: boolean;
  logs: PartitionLog[];
  /** From the spec of this process's ensureTopics, never from disk: see ensureTopics. */
  retention?: RetentionPolicy;
  /** TopicSpec.deleteConsumedBy of this process's ensureTopics. */
  consumedBy?: string[];
}

/** Corrupt records found in one topic's partitions since this bus opened (at open, or when a sealed segment was read), already moved aside. */
export interface CorruptRecordCount {
  topic: string;
  count: number;
}

interface Cursor {
  topic: string;
  partition: number;
  log: PartitionLog;
  position: number;
}

const MAX_BATCH = 500;
const RETENTION_CHECK_MS = 5 * 60_000;

/**
 * The bus for single-node deployments: one process owns `dir`.
 *
 * Layout: `topics/<topic>/topic.json` plus a directory of segments per partition,
 * `topics/<topic>/<partition>/` (see PartitionLog), and `groups/<group>.json` with committed
 * offsets: a consumer resumes there through the segment index, nothing consumed is read again. Keys pick the partition by CRC-32, so one key keeps
 * its order. Compaction is lazy on disk but immediate for readers: reads of a compacted topic skip
 * records superseded by a later one with the same key, and the segments are rewritten without them
 * when the bus opens and on every ensureTopics naming the topic.
 *
 * Retention (TopicSpec.retentionMs / retentionBytes) deletes the oldest whole segments of a
 * partition: by size right after the append that crossed the bound (so a topic fed by untrusted
 * traffic stays bounded while running), by age in ensureTopics and every `retentionCheckMs`. As on Kafka, retention
 * wins over consumers: a group whose position falls below the log start resumes at the log start.
 *
 * Opening also cleans up after crashes: damaged records are moved to `<partition>/quarantine`
 * (see PartitionLog; damage in sealed segments is found when they are read), temporaries of interrupted atomic writes are deleted, and so are the offset
 * files of throwaway groups older versions left behind. Ephemeral groups keep no file at all.
 */
export class EmbeddedBus implements Bus {
  private opened?: Promise<void>;
  private closed = false;
  private readonly topics = new Map<string, Topic>();
  private readonly offsets: GroupOffsets;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly admin = new Serial();
  /** Aborted (and replaced) on every publish to wake idle consumers. */
  private published = wakeSignal();
  private keyless = 0;
  private readonly corrupt = new Map<string, number>();
  private retentionTimer?: NodeJS.Timeout;
  private retentionPass?: Promise<void>;
  private readonly retries: BatchRetries;

  constructor(private readonly opts: EmbeddedBusOptions) {
    this.offsets = new GroupOffsets(join(opts.dir, 'groups'));
    this.retries = new BatchRetries(opts.stall);
  }

  /**
   * Creates missing topics. Retention follows the spec given here, by the process that owns the
   * directory, on every start; it is not kept on disk, so deleting never follows a stale spec (a
   * retention raised in the configuration must not be undercut by the old one at open).
   */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    await this.ready();
    const retention = new Map(specs.map((spec) => [spec.name, retentionOf(spec)]));
    await this.admin.run(async () => {
      for (const spec of specs) {
        const existing = this.topics.get(spec.name);
        if (!existing) await this.createTopic(spec);
        else if (existing.compacted) await this.compact(existing);
        const topic = this.topics.get(spec.name)!;
        topic.retention = retention.get(spec.name);
        topic.consumedBy = spec.deleteConsumedBy?.length ? [...spec.deleteConsumedBy] : undefined;
        for (const log of topic.logs) log.configure(topic.retention);
      }
    });
    for (const spec of specs) await this.enforceRetention(this.topics.get(spec.name)!);
    if (!this.retentionTimer && [...this.topics.values()].some((t) => t.retention || t.consumedBy)) {
      this.retentionTimer = setInterval(() => void this.retentionSweep(), this.opts.retentionCheckMs ?? RETENTION_CHECK_MS);
      this.retentionTimer.unref();
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ready();
    const t = this.topic(topic);
    const timestamp = String(this.now());
    const byPartition = new Map<number, NewRecord[]>();
    for (const m of messages) {
      // Kafka refuses keyless records on compacted topics too: there is nothing to compact them by
      if (t.compacted && m.key === undefined) throw new RejectedInputError('key_required', `compacted topic ${topic} needs a key on every record`);
      const partition = m.key === undefined ? this.keyless++ % t.partitions : crc32(m.key) % t.partitions;
      const value = typeof m.value === 'string' ? Buffer.from(m.value) : m.value;
      const records = byPartition.get(partition) ?? [];
      records.push({ key: m.key ?? null, value, headers: { ...m.headers }, timestamp });
      byPartition.set(partition, records);
    }
    try {
      await Promise.all([...byPartition].map(([p, records]) => t.logs[p].append(records)));
    } catch (err) {
      throw new DependencyUnavailableError('embedded-bus', `publish to ${topic} failed: ${errorMessage(err)}`, err);
    } finally {
      this.published.abort();
      this.published = wakeSignal();
    }
    // the records are durable: a failed deletion is logged, and the next append past the bound retries it
    const maxBytes = t.retention?.maxBytes;
    if (maxBytes !== undefined) for (const p of byPartition.keys()) if (t.logs[p].bytes > maxBytes) await this.enforcePartition(t, p);
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    await this.ready();
    // two consumers of one group would each get every record; Kafka would split partitions instead
    if (this.subscriptions.has(opts.groupId)) {
      throw new ConfigError(`consumer group ${opts.groupId} is already subscribed; the embedded bus runs one consumer per group`);
    }
    // held from here on, so a concurrent subscribe of the group is refused while the cursors load
    const pending: Subscription = { stop: async () => undefined };
    this.subscriptions.set(opts.groupId, pending);
    if (opts.ephemeral) this.offsets.ephemeral(opts.groupId);
    const cursors = await this.cursors(opts).catch((err) => {
      this.subscriptions.delete(opts.groupId);
      if (opts.ephemeral) this.offsets.forget(opts.groupId);
      throw err;
    });
    const stopping = new AbortController();
    this.retries.watch(opts.groupId);
    const running = this.consume(opts.groupId, opts.onBatch, cursors, stopping.signal);
    const subscription: Subscription = {
      stop: async () => {
        stopping.abort();
        await running;
        this.retries.forget(opts.groupId);
        if (this.subscriptions.get(opts.groupId) === subscription) this.subscriptions.delete(opts.groupId);
        if (opts.ephemeral) this.offsets.forget(opts.groupId);
      },
    };
    this.subscriptions.set(opts.groupId, subscription);
    return subscription;
  }

  /** Where the group resumes in each partition; refuses a group that committed past a log's end. */
  private async cursors(opts: SubscribeOptions): Promise<Cursor[]> {
    const cursors: Cursor[] = [];
    for (const t of opts.topics.map((name) => this.topic(name))) {
      for (const [partition, log] of t.logs.entries()) {
        const committed = await this.offsets.committed(opts.groupId, t.name, partition);
        if (committed !== undefined && committed > log.endOffset) this.refusePastEnd(opts.groupId, t.name, partition, committed, log.endOffset);
        const position = committed ?? ((opts.fromBeginning ?? true) ? log.startOffset : log.endOffset);
        cursors.push({ topic: t.name, partition, log, position: this.notBelowStart(opts.groupId, t.name, partition, log, position) });
      }
    }
    return cursors;
  }

  async lag(groupId: string, topics: string[]): Promise<number> {
    await this.ready();
    let total = 0;
    for (const t of topics.map((name) => this.topic(name))) {
      for (const [partition, log] of t.logs.entries()) {
        // records retention deleted are no longer there to be read
        total += log.endOffset - Math.max((await this.offsets.committed(groupId, t.name, partition)) ?? 0, log.startOffset);
      }
    }
    return total;
  }

  stalledBatches(): StalledBatchCount[] {
    return this.retries.stalled();
  }

  /** Corrupt records found per topic since this bus opened (0 for intact topics); they are in the quarantine files. */
  async corruptRecords(): Promise<CorruptRecordCount[]> {
    await this.ready();
    return [...this.topics.keys()].sort().map((topic) => ({ topic, count: this.corrupt.get(topic) ?? 0 }));
  }

  async probe(): Promise<void> {
    if (this.closed) throw new DependencyUnavailableError('embedded-bus', 'closed');
    try {
      await this.ready();
      await access(join(this.opts.dir, 'topics'), constants.W_OK);
    } catch (err) {
      throw new DependencyUnavailableError('embedded-bus', `log directory unusable: ${errorMessage(err)}`, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    await Promise.allSettled([...this.subscriptions.values()].map((s) => s.stop()));
    await this.retentionPass;
    if (this.opened) await this.opened.catch(() => undefined);
    await Promise.allSettled([...this.topics.values()].flatMap((t) => t.logs.map((log) => log.close())));
    this.topics.clear();
  }

  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('embedded bus is closed'));
    this.opened ??= this.load();
    return this.opened;
  }

  private async load(): Promise<void> {
    const topicsDir = join(this.opts.dir, 'topics');
    await mkdir(topicsDir, { recursive: true, mode: PRIVATE_DIR });
    await mkdir(join(this.opts.dir, 'groups'), { recursive: true, mode: PRIVATE_DIR });
    const swept = await this.offsets.sweep();
    if (swept.temporaries + swept.throwawayGroups > 0) {
      this.opts.logger.info(
        { event: 'bus_groups_swept', temporaries: swept.temporaries, throwaway_groups: swept.throwawayGroups },
        'removed files earlier runs left behind',
      );
    }
    for (const entry of await readdir(topicsDir)) {
      await this.removeTemps(join(topicsDir, entry));
      const meta = await readFile(join(topicsDir, entry, 'topic.json'), 'utf8').catch((err: NodeJS.ErrnoException) =>
        err.code === 'ENOENT' || err.code === 'ENOTDIR' ? null : Promise.reject(err),
      );
      if (meta === null) continue; // creation crashed before its commit point; ensureTopics redoes it
      const { name, partitions, compacted } = JSON.parse(meta) as Omit<Topic, 'logs'>;
      const logs: PartitionLog[] = [];
      for (let p = 0; p < partitions; p++) logs.push(await this.openPartition(join(topicsDir, entry), name, p, compacted));
      const topic = { name, partitions, compacted, logs };
      if (compacted) await this.compact(topic);
      this.topics.set(name, topic);
    }
  }

  /** Opens one partition; damage found at open, or later when a sealed segment is read, is reported the same way. */
  private async openPartition(topicDir: string, topic: string, partition: number, compacted: boolean): Promise<PartitionLog> {
    let log: PartitionLog | undefined;
    const opened = await PartitionLog.open(join(topicDir, String(partition)), {
      compacted,
      segmentBytes: this.opts.segmentBytes,
      onDamage: (d) => this.reportDamage(topic, partition, log!, d),
    });
    log = opened.log;
    for (const d of opened.damaged) this.reportDamage(topic, partition, log, d);
    return log;
  }

  private reportDamage(topic: string, partition: number, log: PartitionLog, d: DamagedRegion): void {
    const fields = {
      topic,
      partition,
      offset: d.offset,
      after_offset: d.afterOffset,
      before_offset: d.beforeOffset,
      segment_file: d.segment,
      file_position: d.position,
      bytes: d.bytes,
      quarantine_file: log.quarantineFile,
    };
    if (d.kind === 'torn') {
      this.opts.logger.warn(
        { event: 'bus_log_truncated', ...fields },
        'cut off the incomplete last record of an append a crash interrupted (copied to the quarantine file)',
      );
      return;
    }
    this.corrupt.set(topic, (this.corrupt.get(topic) ?? 0) + d.records);
    this.opts.logger.error(
      { event: 'bus_record_corrupt', ...fields, records: d.records, next_offset: log.endOffset },
      'log records fail their checksum: moved to the quarantine file, intact records around them kept; offsets are not reused',
    );
  }

  /** Where a group resumes whose position retention deleted: the log start (Kafka: auto.offset.reset=earliest). */
  private notBelowStart(groupId: string, topic: string, partition: number, log: PartitionLog, position: number): number {
    if (position >= log.startOffset) return position;
    this.opts.logger.warn(
      { event: 'bus_offset_reset', group: groupId, topic, partition, position, start_offset: log.startOffset, deleted: log.startOffset - position },
      'records this consumer group had not read were deleted by retention; resuming at the log start',
    );
    return log.startOffset;
  }

  /** Applies the topic's retention to every partition; failures are logged, never thrown (the records stay). */
  private async enforceRetention(topic: Topic): Promise<void> {
    for (let p = 0; p < topic.logs.length; p++) await this.enforcePartition(topic, p);
  }

  private async enforcePartition(topic: Topic, partition: number): Promise<void> {
    if ((!topic.retention && !topic.consumedBy) || this.closed) return;
    try {
      const consumedBelow = topic.consumedBy && (await this.consumedBelow(topic.name, topic.consumedBy, partition));
      const deleted = await topic.logs[partition].enforceRetention(topic.retention ?? {}, this.now(), consumedBelow);
      if (deleted) {
        this.opts.logger.info(
          {
            event: 'bus_retention_deleted',
            topic: topic.name,
            partition,
            reason: deleted.reason,
            records: deleted.records,
            bytes: deleted.bytes,
            start_offset: deleted.startOffset,
          },
          deleted.reason === 'consumed' ? 'deleted log segments every consuming group has read' : 'deleted the oldest records past the topic retention',
        );
      }
    } catch (err) {
      this.opts.logger.error(
        { event: 'bus_retention_failed', topic: topic.name, partition, err: errorMessage(err) },
        'could not delete records past the topic retention; will retry',
      );
    }
  }

  /** The lowest position the groups committed on this partition; undefined while one of them never committed (it keeps everything). */
  private async consumedBelow(topic: string, groups: string[], partition: number): Promise<number | undefined> {
    let lowest = Infinity;
    for (const group of groups) {
      const committed = await this.offsets.committed(group, topic, partition);
      if (committed === undefined) return undefined;
      lowest = Math.min(lowest, committed);
    }
    return lowest;
  }

  /** The periodic pass; never two at once. */
  private retentionSweep(): Promise<void> {
    this.retentionPass ??= (async () => {
      for (const topic of this.topics.values()) await this.enforceRetention(topic);
    })().finally(() => (this.retentionPass = undefined));
    return this.retentionPass;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** A group committed past the end of the log: records it was promised are gone. Never guess: stop and say so. */
  private refusePastEnd(groupId: string, topic: string, partition: number, committed: number, end: number): never {
    this.opts.logger.error(
      { event: 'bus_offset_past_end', group: groupId, topic, partition, committed, end_offset: end },
      'consumer group committed past the end of the log; refusing to consume (records were lost or the log was replaced)',
    );
    throw new IntegrityError(
      `consumer group ${groupId} committed offset ${committed} on ${topic}/${partition}, past the end of the log (${end}): ` +
        `records it had read are missing from ${this.opts.dir}. Refusing to consume rather than skip or re-read records; ` +
        `restore the partition's segments, or after investigating remove the group's file under groups/ to read the log from the start`,
    );
  }

  private async removeTemps(dir: string): Promise<void> {
    const removed = await removeStaleTemps(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOTDIR' ? [] : Promise.reject(err)));
    if (removed.length > 0)
      this.opts.logger.info({ event: 'bus_temporaries_removed', dir, files: removed.length }, 'removed temporaries of writes a crash interrupted');
  }

  private async createTopic(spec: TopicSpec): Promise<void> {
    const partitions = spec.partitions ?? this.opts.defaultPartitions ?? 3;
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new RejectedInputError('invalid_topic', `topic ${spec.name}: partitions must be a positive integer`);
    const dir = join(this.opts.dir, 'topics', fileName(spec.name));
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) logs.push(await this.openPartition(dir, spec.name, p, spec.compacted ?? false));
    await fsyncDir(dir);
    // topic.json is the commit point: without it the directory is ignored on open
    await writeFileAtomic(join(dir, 'topic.json'), JSON.stringify({ name: spec.name, partitions, compacted: spec.compacted ?? false }), PRIVATE_FILE);
    await fsyncDir(join(this.opts.dir, 'topics'));
    this.topics.set(spec.name, { name: spec.name, partitions, compacted: spec.compacted ?? false, logs });
  }

  private async compact(topic: Topic): Promise<void> {
    for (const [partition, log] of topic.logs.entries()) {
      const dropped = await log.compact();
      if (dropped > 0) this.opts.logger.debug({ event: 'bus_compacted', topic: topic.name, partition, dropped }, 'compacted partition');
    }
  }

  private topic(name: string): Topic {
    const t = this.topics.get(name);
    if (!t) throw new NotFoundError(`topic ${name} does not exist; create it with ensureTopics`);
    return t;
  }

  /** Visits every partition in turn, commits after each handled batch, idles when all are caught up. */
  private async consume(groupId: string, onBatch: BatchHandler, cursors: Cursor[], signal: AbortSignal): Promise<void> {
    const log = this.opts.logger.child({ group: groupId });
    const ctx: BatchContext = { heartbeat: async () => undefined, signal };
    for (let failures = 0; !signal.aborted;) {
      const published = this.published.signal;
      try {
        let progressed = false;
        for (const c of cursors) {
          if (signal.aborted) return;
          c.position = this.notBelowStart(groupId, c.topic, c.partition, c.log, c.position);
          const { records, next } = await c.log.read(c.position, MAX_BATCH);
          if (next === c.position) continue;
          const batch = records.map((r): BusRecord => ({ ...r, topic: c.topic, partition: c.partition, offset: String(r.offset) }));
          // an empty batch means every record was superseded on a compacted topic: just move past them
          if (batch.length > 0 && !(await this.retries.run(groupId, onBatch, batch, ctx, log))) return;
          await this.offsets.commit(groupId, c.topic, c.partition, next);
          c.position = next;
          progressed = true;
        }
        failures = 0;
        if (!progressed) await idle(this.opts.pollIntervalMs ?? 50, signal, published);
      } catch (err) {
        // the bus's own files failed (disk full, I/O): keep the position, never skip, try again
        const delay = backoffDelay(failures++, { initialMs: 200, maxMs: 10_000 });
        log.error({ event: 'bus_consume_failed', delay_ms: delay, err: errorMessage(err) }, 'embedded bus read or commit failed; retrying');
        await sleep(delay, signal);
      }
    }
  }
}

function retentionOf(spec: TopicSpec): RetentionPolicy | undefined {
  for (const [field, value] of [
    ['retentionMs', spec.retentionMs],
    ['retentionBytes', spec.retentionBytes],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
      throw new RejectedInputError('invalid_topic', `topic ${spec.name}: ${field} must be a positive integer`);
  }
  if (spec.retentionMs === undefined && spec.retentionBytes === undefined) return undefined;
  return { maxAgeMs: spec.retentionMs, maxBytes: spec.retentionBytes };
}

/**
 * Wakes every idle consumer when a publish lands. One listener per consumer group, and a process
 * has many groups (control tables, archiver, audit, media, readers): more than Node's default of 10
 * is expected here, not a leak.
 */
function wakeSignal(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

function idle(ms: number, stop: AbortSignal, published: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      published.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (stop.aborted || published.aborted) return done();
    stop.addEventListener('abort', done, { once: true });
    published.addEventListener('abort', done, { once: true });
  });
}
