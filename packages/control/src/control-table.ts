import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Bus, BusRecord, Subscription } from '@custody/bus';
import type { Logger } from '@custody/logger';

/** Most bytes of rows putAll publishes at once: the Kafka coalescer joins publishes up to 512 KiB, a topic's default batch limit is 1 MiB. */
const PUT_ALL_CHUNK_BYTES = 256 * 1024;

/** Turns a row into what is stored (e.g. secrets sealed) and back; identity when absent. */
export interface RowCodec<T> {
  encode(value: T): T;
  decode(stored: T): T;
}

/**
 * A compacted control topic materialized in memory: every process reads the whole topic at start
 * (its own ephemeral consumer group, which leaves no offsets behind) and follows it. Writes go to the topic and are applied locally
 * at once, so an API call that changed something reads its own write.
 * An empty value marks a deleted key (compaction keeps it as the latest record).
 */
export class ControlTable<T> {
  private readonly rows = new Map<string, T>();
  /** Keys whose latest record could not be read, with why (reported; a later good record clears it). */
  private readonly unreadable = new Map<string, string>();
  /** Bumped on every change, so views derived from the rows know when to rebuild. */
  version = 0;
  private subscription?: Subscription;
  private readonly groupId: string;
  private readonly listeners = new Set<(key: string, before: T | undefined, after: T | undefined) => void>();

  constructor(
    private readonly bus: Bus,
    readonly topic: string,
    private readonly schema: z.ZodType<T>,
    private readonly logger: Logger,
    private readonly codec?: RowCodec<T>,
  ) {
    this.groupId = `${topic}.reader.${randomUUID()}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    await this.bus.ensureTopics([{ name: this.topic, partitions: 1, compacted: true }]);
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [this.topic],
      fromBeginning: true,
      ephemeral: true,
      onBatch: async (records) => records.forEach((r) => this.apply(r)),
    });
    const deadline = Date.now() + timeoutMs;
    while ((await this.bus.lag(this.groupId, [this.topic])) > 0) {
      if (Date.now() > deadline) throw new Error(`control topic ${this.topic} not caught up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /**
   * Calls `listener` on every later change, own writes and other processes' alike (an own write
   * is seen twice: when made and when read back). Rows replayed at start are not changes.
   */
  onChange(listener: (key: string, before: T | undefined, after: T | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(key: string): T | undefined {
    return this.rows.get(key);
  }

  values(): T[] {
    return [...this.rows.values()];
  }

  unreadableKeys(): Array<{ key: string; reason: string }> {
    return [...this.unreadable].map(([key, reason]) => ({ key, reason }));
  }

  async put(key: string, value: T): Promise<void> {
    const checked = this.schema.parse(value);
    const stored = this.codec ? this.codec.encode(checked) : checked;
    await this.bus.publish(this.topic, [{ key, value: JSON.stringify(stored) }]);
    this.set(key, checked);
  }

  /**
   * Many rows, every one checked before any is written, published a chunk at a time (a chunk stays
   * under PUT_ALL_CHUNK_BYTES, well below a Kafka topic's default record batch limit). Not atomic: a
   * failed publish leaves the chunks before it written (and applied); writing the same rows again
   * converges.
   */
  async putAll(rows: ReadonlyArray<readonly [string, T]>): Promise<void> {
    const checked = rows.map(([key, value]) => [key, this.schema.parse(value)] as const);
    let chunk: Array<{ key: string; row: T; value: string }> = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.bus.publish(
        this.topic,
        chunk.map((c) => ({ key: c.key, value: c.value })),
      );
      for (const c of chunk) this.set(c.key, c.row);
      chunk = [];
      bytes = 0;
    };
    for (const [key, row] of checked) {
      const value = JSON.stringify(this.codec ? this.codec.encode(row) : row);
      const size = Buffer.byteLength(key) + Buffer.byteLength(value);
      if (bytes + size > PUT_ALL_CHUNK_BYTES) await flush();
      chunk.push({ key, row, value });
      bytes += size;
    }
    await flush();
  }

  async remove(key: string): Promise<void> {
    await this.bus.publish(this.topic, [{ key, value: '' }]);
    this.set(key, undefined);
  }

  private set(key: string, value: T | undefined): void {
    const before = this.rows.get(key);
    if (value === undefined) this.rows.delete(key);
    else this.rows.set(key, value);
    this.unreadable.delete(key);
    this.version++;
    for (const listener of this.listeners) listener(key, before, value);
  }

  private apply(r: BusRecord): void {
    if (!r.key) return;
    if (r.value.length === 0) {
      this.set(r.key, undefined);
      return;
    }
    let row: T;
    try {
      const stored = this.schema.parse(JSON.parse(r.value.toString('utf8')));
      row = this.codec ? this.codec.decode(stored) : stored;
    } catch (err) {
      // a row this version cannot read must not stop the service from starting; it is reported
      this.version++;
      this.unreadable.set(r.key, (err as Error).message);
      this.logger.error({ event: 'control_record_unreadable', topic: this.topic, key: r.key, offset: r.offset, err: (err as Error).message });
      return;
    }
    this.set(r.key, row);
  }
}
