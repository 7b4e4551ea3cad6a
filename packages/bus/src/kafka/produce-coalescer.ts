/** The messages of one `publish` call, for one topic. */
export interface TopicBatch<M> {
  topic: string;
  messages: M[];
}

interface Waiting<M> extends TopicBatch<M> {
  bytes: number;
  resolve(): void;
  reject(err: unknown): void;
}

export interface CoalescerOptions<M> {
  /** One produce request for all of `batches` (acks=all): resolves once every message is durable. */
  send(batches: TopicBatch<M>[]): Promise<void>;
  sizeOf(message: M): number;
  /**
   * A coalesced request stops growing at this many bytes (a single publish larger than this goes
   * alone, as before). Messages of one partition share a record batch, which the broker refuses
   * past the topic's max.message.bytes: the bound keeps coalescing from creating such a batch.
   */
  maxBatchBytes: number;
  /** A refusal that concerns the request's content (not an outage): each publish is retried alone, so one bad publish fails only itself. */
  isRefusal(err: unknown): boolean;
}

/**
 * Coalesces concurrent publishes into one produce request, Nagle-style: a publish while no request
 * is in flight goes at once (no added latency when idle); publishes that arrive while one is in
 * flight wait for it and then go together. Kafka handles one request per connection at a time, so
 * sixteen concurrent webhook publishes used to queue behind each other one round trip apiece; now
 * they share one. Each publish still resolves only when its own messages were acknowledged
 * (acks=all), and order within a publish is kept (concurrent publishes never had an order).
 */
export class ProduceCoalescer<M> {
  private waiting: Waiting<M>[] = [];
  private inFlight = false;

  constructor(private readonly opts: CoalescerOptions<M>) {}

  publish(topic: string, messages: M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = messages.reduce((sum, m) => sum + this.opts.sizeOf(m), 0);
      this.waiting.push({ topic, messages, bytes, resolve, reject });
      if (!this.inFlight) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.waiting.length > 0) await this.sendGroup(this.takeGroup());
    } finally {
      this.inFlight = false;
    }
  }

  /** The oldest waiting publishes up to maxBatchBytes (always at least one). */
  private takeGroup(): Waiting<M>[] {
    let bytes = this.waiting[0].bytes;
    let n = 1;
    while (n < this.waiting.length && bytes + this.waiting[n].bytes <= this.opts.maxBatchBytes) bytes += this.waiting[n++].bytes;
    return this.waiting.splice(0, n);
  }

  private async sendGroup(group: Waiting<M>[]): Promise<void> {
    try {
      await this.opts.send(merge(group));
      for (const w of group) w.resolve();
    } catch (err) {
      if (group.length === 1 || !this.opts.isRefusal(err)) {
        for (const w of group) w.reject(err);
        return;
      }
      // refused for its content: find out whose, without failing the others
      for (const w of group) await this.opts.send(merge([w])).then(w.resolve, w.reject);
    }
  }
}

/** One entry per topic, messages in arrival order. */
function merge<M>(group: Waiting<M>[]): TopicBatch<M>[] {
  const byTopic = new Map<string, M[]>();
  for (const w of group) {
    const list = byTopic.get(w.topic);
    if (list) list.push(...w.messages);
    else byTopic.set(w.topic, [...w.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
