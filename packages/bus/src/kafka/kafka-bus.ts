import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import { CircuitBreaker, DependencyUnavailableError, backoffDelay, errorMessage, sleep, withRetry } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { BatchRetries, type StallPolicy, type StalledBatchCount } from '../batch-retry';
import type { Bus, BusRecord, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../port';
import { ProduceCoalescer, type TopicBatch } from './produce-coalescer';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  defaultPartitions?: number;
  /**
   * Consumer group session. A member killed without leaving holds its partitions this long, and a
   * restarted process's join waits it out (kafkajs has no static membership, `group.instance.id`),
   * so it is short; kafkajs heartbeats between batches and the bus while a batch handler works.
   */
  sessionTimeoutMs?: number;
  /** First wait before a half-open publish probe after Kafka failed; grows to 10 s. */
  circuitOpenMs?: number;
  /** When a batch retried without success counts as stalled (default DEFAULT_STALL). */
  stall?: StallPolicy;
  /** Concurrent publishes are coalesced into one produce request up to this many bytes (default 512 KiB). */
  produceBatchBytes?: number;
}

type KafkaMessage = { key: string | null; value: Buffer | string; headers?: Record<string, string> };

const messageBytes = (m: KafkaMessage) =>
  (typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length) +
  (m.key?.length ?? 0) +
  Object.entries(m.headers ?? {}).reduce((sum, [k, v]) => sum + k.length + v.length, 0);

/**
 * kafkajs logs every refused connection, every retry and every ordinary rebalance at ERROR. Outages
 * are reported once by the bus itself (bus_unavailable / bus_recovered), so these go to debug;
 * anything else the client says keeps its level.
 */
const ROUTINE =
  /rebalanc|re-?join|coordinator|controller|connect|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket|broker|leader|metadata|Restarting the consumer|Crash: KafkaJS(NumberOfRetriesExceeded|Connection)|request timed out|already exists|Response CreateTopics/i;

export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  /**
   * The producer's own client: kafkajs connects and refreshes metadata with the client's retry
   * settings, whatever the producer's, so a shared client held each publish 20–47 s in an outage.
   * A few quick retries ride out a leader change; longer outages are the circuit breaker's.
   */
  private readonly producerKafka: Kafka;
  /** Without retries: a readiness probe must answer in a moment, never wait out an outage. */
  private readonly probeKafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private probeAdmin?: Promise<Admin>;
  /** Live consumers and, for ephemeral groups, the group to delete when they stop. */
  private readonly consumers = new Map<Consumer, string | undefined>();
  /** Groups whose consumer crashed for good (kafkajs will not restart it), with the reason. */
  private readonly deadGroups = new Map<string, string>();
  private readonly breaker: CircuitBreaker;
  private readonly retries: BatchRetries;
  private readonly log: Logger;
  private readonly produce: ProduceCoalescer<KafkaMessage>;
  private closed = false;

  constructor(private readonly opts: KafkaBusOptions) {
    this.log = opts.logger.child({ component: 'bus' });
    this.retries = new BatchRetries(opts.stall);
    this.produce = new ProduceCoalescer<KafkaMessage>({
      send: (batches) => this.sendBatches(batches),
      sizeOf: messageBytes,
      maxBatchBytes: opts.produceBatchBytes ?? 512 * 1024,
      isRefusal: (err) => !isOutage(err),
    });
    const clientLog = opts.logger.child({ component: 'kafkajs' });
    const logCreator = () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const level = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      // an error response is logged as "Response <api>" with the broker's reason beside it: a restarted
      // controller's transient answers (not the controller, timed out, a topic another start created)
      // are retried by the client; CreateTopics answers are ensureTopics', which retries and reports them itself
      const said = `${String(message)} ${typeof rest.error === 'string' ? rest.error : ''}`;
      clientLog[level !== 'debug' && ROUTINE.test(said) ? 'debug' : level]({ event: 'kafka_client_log', namespace: entry.namespace, ...rest }, message);
    };
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      logCreator,
    });
    this.producerKafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      requestTimeout: 10_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      logCreator,
    });
    this.probeKafka = new Kafka({
      clientId: `${opts.clientId}-probe`,
      brokers: opts.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
    });
    this.breaker = new CircuitBreaker({
      dependency: 'kafka',
      initialOpenMs: opts.circuitOpenMs ?? 1_000,
      maxOpenMs: 10_000,
      onOpen: (err) => {
        this.log.error(
          { event: 'bus_unavailable', dependency: 'kafka', err: errorMessage(err) },
          'Kafka is unavailable: publishes fail fast (503) until it answers again',
        );
        // a producer that failed may hold broken connections or a failed connect: start afresh
        this.dropProducer();
      },
      trips: isOutage,
      onClose: (outageMs, refused) => this.log.warn({ event: 'bus_recovered', dependency: 'kafka', outage_ms: outageMs, refused }, 'Kafka is available again'),
    });
  }

  /** A failed connect is forgotten, so the next call connects again instead of failing for good. */
  private getAdmin(): Promise<Admin> {
    this.admin ??= connectOrForget(this.kafka.admin(), () => (this.admin = undefined));
    return this.admin;
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= connectOrForget(
      this.producerKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false }),
      () => (this.producer = undefined),
    );
    return this.producer;
  }

  private dropProducer(): void {
    const old = this.producer;
    this.producer = undefined;
    void old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /**
   * A broker that has just started can answer "does not host this topic-partition" for a topic it
   * has just created: such transient answers are retried (a few seconds), then reported retriable.
   */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    await withRetry(
      () => this.createMissing(specs),
      // only the broker's transient answers: an unreachable broker was already retried by the client
      (err) => protocolErrorOf(err)?.retriable === true,
      { initialMs: 200, maxMs: 2_000, maxAttempts: 8 },
      (err, attempt) => this.log.warn({ event: 'ensure_topics_retry', attempt, err: errorMessage(err) }),
    ).catch((err: unknown) => {
      throw isOutage(err) ? new DependencyUnavailableError('kafka', `ensure topics: ${errorMessage(err)}`, err) : err;
    });
  }

  private async createMissing(specs: TopicSpec[]): Promise<void> {
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
    await this.breaker.run(async () => {
      try {
        await this.produce.publish(
          topic,
          messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers })),
        );
      } catch (err) {
        throw new DependencyUnavailableError('kafka', `publish to ${topic} failed: ${errorMessage(err)}`, err);
      }
    });
  }

  /** One produce request (acks=all) for publishes the coalescer joined. */
  private async sendBatches(batches: TopicBatch<KafkaMessage>[]): Promise<void> {
    const producer = await this.getProducer();
    await producer.sendBatch({ acks: -1, topicMessages: batches });
  }

  /**
   * Cheap and bounded: one metadata round trip on a client without retries, answered within ~2 s.
   * Fails while the producer's circuit is open or a consumer of this process stopped for good.
   */
  async probe(): Promise<void> {
    if (this.breaker.isOpen) throw new DependencyUnavailableError('kafka', `producer unavailable: ${this.breaker.reason}`);
    const dead = [...this.deadGroups].map(([group, why]) => `${group}: ${why}`);
    if (dead.length) throw new DependencyUnavailableError('kafka', `consumer stopped: ${dead.join('; ')}`);
    try {
      this.probeAdmin ??= connectOrForget(this.probeKafka.admin(), () => (this.probeAdmin = undefined));
      await (await this.probeAdmin).describeCluster();
    } catch (err) {
      const admin = this.probeAdmin;
      this.probeAdmin = undefined;
      void admin?.then((a) => a.disconnect()).catch(() => undefined);
      throw new DependencyUnavailableError('kafka', `probe failed: ${errorMessage(err)}`, err);
    }
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    const stopping = new AbortController();
    const log = this.opts.logger.child({ group: opts.groupId });
    let current: Consumer;
    /**
     * kafkajs gives a consumer up for good on some errors after a long outage ("Failed to find group
     * coordinator" once its retries ran out): it is replaced by a new one, with jittered backoff,
     * until that joins or the subscription stops. Readiness reports the group as down meanwhile.
     */
    const replace = async (): Promise<void> => {
      for (let attempt = 0; !stopping.signal.aborted && !this.closed; attempt++) {
        await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }), stopping.signal);
        if (stopping.signal.aborted || this.closed) return;
        const old = current;
        this.consumers.delete(old);
        await old.disconnect().catch(() => undefined);
        try {
          current = await this.startConsumer(opts, stopping.signal, log, () => void replace());
          if (stopping.signal.aborted) {
            // stopped while the replacement joined: it must not outlive its subscription
            this.consumers.delete(current);
            await current.disconnect().catch(() => undefined);
            return;
          }
          log.warn({ event: 'bus_consumer_replaced', attempt: attempt + 1 }, 'a consumer kafkajs had given up on was replaced');
          return;
        } catch (err) {
          log.warn({ event: 'bus_consumer_replace_failed', attempt: attempt + 1, err: errorMessage(err) }, 'replacing a stopped consumer failed; retrying');
        }
      }
    };
    // watched before the consumer runs: its first batch may fail at once
    this.retries.watch(opts.groupId);
    try {
      current = await this.startConsumer(opts, stopping.signal, log, () => void replace());
    } catch (err) {
      this.retries.forget(opts.groupId);
      throw err;
    }
    return {
      stop: async () => {
        stopping.abort();
        this.retries.forget(opts.groupId);
        this.deadGroups.delete(opts.groupId);
        this.consumers.delete(current);
        await current.disconnect();
        if (opts.ephemeral) await this.deleteGroup(opts.groupId, log);
      },
    };
  }

  /** One kafkajs consumer of the group, running; `onGivenUp` when kafkajs will not restart it itself. */
  private async startConsumer(opts: SubscribeOptions, signal: AbortSignal, log: Logger, onGivenUp: () => void): Promise<Consumer> {
    const sessionTimeout = this.opts.sessionTimeoutMs ?? 10_000;
    const heartbeatInterval = Math.max(500, Math.floor(sessionTimeout / 10));
    const consumer = this.kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false, sessionTimeout, heartbeatInterval });
    const stopping = { signal };
    this.watchConsumer(consumer, opts.groupId, log, onGivenUp);
    // in the set before connecting: close() during a slow join (start-up runs it in the background) must reach it
    this.consumers.set(consumer, opts.ephemeral ? opts.groupId : undefined);
    await connectOrForget(consumer, () => this.consumers.delete(consumer));
    try {
      if (this.closed) throw new DependencyUnavailableError('kafka', 'bus closed while subscribing');
      for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
    } catch (err) {
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
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
        // kafkajs heartbeats only between batches: keep the (short) session alive while the handler works
        const beat = setInterval(() => void heartbeat().catch(() => undefined), heartbeatInterval);
        let handled: boolean;
        try {
          handled = await this.retries.run(opts.groupId, opts.onBatch, records, { heartbeat, signal: stopping.signal }, log, () => isRunning() && !isStale());
        } finally {
          clearInterval(beat);
        }
        if (!handled) return; // stopping or rebalanced: leave the batch uncommitted for the next owner
        const last = batch.messages[batch.messages.length - 1].offset;
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        await heartbeat();
      },
    });
    return consumer;
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

  stalledBatches(): StalledBatchCount[] {
    return this.retries.stalled();
  }

  async close(): Promise<void> {
    this.closed = true;
    const ephemeral = [...this.consumers.values()].filter((g): g is string => g !== undefined);
    await Promise.allSettled([...this.consumers.keys()].map((c) => c.disconnect()));
    this.consumers.clear();
    // only over a connection already open: shutdown does not wait on a broker it no longer reaches
    if (this.admin) for (const groupId of ephemeral) await this.deleteGroup(groupId, this.opts.logger.child({ group: groupId }));
    await Promise.allSettled([this.producer, this.admin, this.probeAdmin].map(async (client) => (await client)?.disconnect()));
  }

  /** One line when a consumer loses Kafka and one when it is back, instead of kafkajs's per-retry errors. */
  private watchConsumer(consumer: Consumer, groupId: string, log: Logger, onGivenUp: () => void): void {
    let down = false;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        this.deadGroups.set(groupId, errorMessage(payload.error));
        log.error({ event: 'bus_consumer_stopped', err: errorMessage(payload.error) }, 'kafkajs gave the consumer up; replacing it');
        onGivenUp();
      } else if (!down) {
        down = true;
        log.warn({ event: 'bus_consumer_unavailable', err: errorMessage(payload.error) }, 'consumer lost Kafka; rejoining');
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.deadGroups.delete(groupId);
      if (down) log.warn({ event: 'bus_consumer_recovered' }, 'consumer rejoined its group');
      down = false;
    });
  }
}

interface ErrorChain {
  name?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** The broker's own answer (a Kafka error code) behind a wrapped error, if there is one. */
function protocolErrorOf(err: unknown): ErrorChain | undefined {
  for (let e = err as ErrorChain | undefined, depth = 0; e && depth < 8; depth++) {
    if (e.name === 'KafkaJSProtocolError') return e;
    e = (e.cause ?? e.originalError) as ErrorChain | undefined;
  }
  return undefined;
}

/** A request the broker answered and refused for good (record too large, …) says nothing about its availability. */
function isOutage(err: unknown): boolean {
  return protocolErrorOf(err)?.retriable !== false;
}

/** Connects; when that fails, disconnects the client (its retry timers) and lets the caller forget it. */
async function connectOrForget<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(client: T, forget: () => void): Promise<T> {
  try {
    await client.connect();
    return client;
  } catch (err) {
    forget();
    await client.disconnect().catch(() => undefined);
    throw new DependencyUnavailableError('kafka', `connect failed: ${errorMessage(err)}`, err);
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
