import type { StalledBatchCount } from './batch-retry';

export interface OutgoingMessage {
  /** Partitioning key: records with the same key keep their order. */
  key?: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface BusRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

export interface TopicSpec {
  name: string;
  partitions?: number;
  /** Keep only the latest record per key (control-plane topics). */
  compacted?: boolean;
  /** Largest record the topic accepts; envelopes carry the vendor payload, up to the HTTP body limit. */
  maxMessageBytes?: number;
  /** Records older than this may be deleted (quarantine: forensic samples are not kept forever). */
  retentionMs?: number;
  /** Per partition: past this size the oldest records may be deleted. */
  retentionBytes?: number;
  /**
   * Embedded bus: whole sealed segments every one of these consumer groups has committed past are
   * deleted (customer data, once archived, lives in the WORM store; the log need not keep it). A
   * group that never committed keeps everything. Kafka keeps its own topic retention instead.
   */
  deleteConsumedBy?: string[];
}

export interface BatchContext {
  /** Keeps the consumer's group membership alive during long side effects. */
  heartbeat(): Promise<void>;
  /** Aborted when the subscription stops; long work should stop waiting and throw. */
  signal: AbortSignal;
}

/**
 * Called with records of one partition, in order. Resolving means every record's side effects are
 * done and the bus may commit past them. Throwing means none of them may be committed: the bus
 * retries the same batch with jittered backoff until it succeeds or the subscription stops.
 * Bad data must therefore be dead-lettered by the handler, never thrown.
 */
export type BatchHandler = (records: BusRecord[], ctx: BatchContext) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default: earliest, so nothing is skipped. */
  fromBeginning?: boolean;
  /**
   * A throwaway group (e.g. a reader that replays a compacted topic at every start): its offsets
   * are not kept once the subscription stops, so per-start groups leave nothing behind.
   */
  ephemeral?: boolean;
  onBatch: BatchHandler;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface Bus {
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** Resolves only once the bus has durably accepted every message (acks=all on Kafka). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  /** Records not yet committed by the group, summed over the topics' partitions. */
  lag(groupId: string, topics: string[]): Promise<number>;
  /** Per consumer group subscribed in this process: its batches retried past the stall policy (see BatchRetries). */
  stalledBatches(): StalledBatchCount[];
  /**
   * Cheap readiness check, bounded to a couple of seconds: resolves while this process can publish
   * and its consumers run; rejects with a retriable DependencyUnavailableError saying what is wrong.
   */
  probe(): Promise<void>;
  close(): Promise<void>;
}
