import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import { DependencyUnavailableError, backoffDelay, errorMessage, sleep } from '@custody/errors';
import type { Logger } from '@custody/logger';
import type { BatchHandler, Bus, BusRecord, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../port';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  defaultPartitions?: number;
}

export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  /** Live consumers and, for ephemeral groups, the group to delete when they stop. */
  private readonly consumers = new Map<Consumer, string | undefined>();

  constructor(private readonly opts: KafkaBusOptions) {
    const log = opts.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      logCreator: () => (entry: LogEntry) => {
        const { message, ...rest } = entry.log;
        const level = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
        log[level]({ event: 'kafka_client_log', namespace: entry.namespace, ...rest }, message);
      },
    });
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions ?? this.opts.defaultPartitions ?? 3,
        configEntries: [
          ...(s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
          ...(s.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(s.maxMessageBytes) }] : []),
          ...(s.retentionMs ? [{ name: 'retention.ms', value: String(s.retentionMs) }] : []),
          ...(s.retentionBytes ? [{ name: 'retention.bytes', value: String(s.retentionBytes) }] : []),
        ],
      })),
    });
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const producer = await this.getProducer();
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers })),
      });
    } catch (err) {
      throw new DependencyUnavailableError('kafka', `publish to ${topic} failed: ${errorMessage(err)}`, err);
    }
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    const stopping = new AbortController();
    const log = this.opts.logger.child({ group: opts.groupId });
    await consumer.connect();
    for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
    this.consumers.set(consumer, opts.ephemeral ? opts.groupId : undefined);
    await consumer.run({
      // partitions are independent (ordering is per key), so their batches may be in flight together
      partitionsConsumedConcurrently: 4,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (batch.messages.length === 0) return;
        const records: BusRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value ?? Buffer.alloc(0),
          headers: decodeHeaders(m.headers),
          timestamp: m.timestamp,
        }));
        const handled = await runUntilHandled(opts.onBatch, records, { heartbeat, signal: stopping.signal }, () => isRunning() && !isStale(), log);
        if (!handled) return; // stopping or rebalanced: leave the batch uncommitted for the next owner
        const last = batch.messages[batch.messages.length - 1]!.offset;
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        await heartbeat();
      },
    });
    return {
      stop: async () => {
        stopping.abort();
        this.consumers.delete(consumer);
        await consumer.disconnect();
        if (opts.ephemeral) await this.deleteGroup(opts.groupId, log);
      },
    };
  }

  /** Drops a throwaway group's committed offsets; if that fails, Kafka expires them after offsets.retention.minutes. */
  private async deleteGroup(groupId: string, log: Logger): Promise<void> {
    try {
      await (await this.getAdmin()).deleteGroups([groupId]);
    } catch (err) {
      log.warn({ event: 'bus_group_delete_failed', err: errorMessage(err) }, 'could not delete an ephemeral consumer group; Kafka expires it later');
    }
  }

  async lag(groupId: string, topics: string[]): Promise<number> {
    const admin = await this.getAdmin();
    let total = 0n;
    for (const topic of topics) {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
      for (const p of ends) {
        const c = done.get(p.partition) ?? -1n;
        const start = BigInt(p.low);
        const end = BigInt(p.high);
        total += end - (c < 0n ? start : c);
      }
    }
    return Number(total);
  }

  async close(): Promise<void> {
    const ephemeral = [...this.consumers.values()].filter((g): g is string => g !== undefined);
    await Promise.allSettled([...this.consumers.keys()].map((c) => c.disconnect()));
    this.consumers.clear();
    // only over a connection already open: shutdown does not wait on a broker it no longer reaches
    if (this.admin) for (const groupId of ephemeral) await this.deleteGroup(groupId, this.opts.logger.child({ group: groupId }));
    if (this.producer) await (await this.producer).disconnect().catch(() => undefined);
    if (this.admin) await (await this.admin).disconnect().catch(() => undefined);
  }
}

function decodeHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    const first = Array.isArray(v) ? v[0] : v;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Retries the handler with jittered backoff; false when the consumer lost the batch or is stopping. */
async function runUntilHandled(
  handler: BatchHandler,
  records: BusRecord[],
  ctx: Parameters<BatchHandler>[1],
  stillOwned: () => boolean,
  log: Logger,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handler(records, ctx);
      return true;
    } catch (err) {
      const delay = backoffDelay(attempt, { initialMs: 200, maxMs: 10_000 });
      log.warn({ event: 'batch_retry', topic: records[0]!.topic, partition: records[0]!.partition, first_offset: records[0]!.offset, attempt: attempt + 1, delay_ms: delay, err: errorMessage(err) }, 'batch failed; retrying without commit');
      await sleep(delay, ctx.signal);
      if (ctx.signal.aborted || !stillOwned()) return false;
      await ctx.heartbeat().catch(() => undefined);
    }
  }
}
