import { parseKey } from '@custody/archive-store';
import {
  actOnResults,
  classify,
  deadLetter,
  ok,
  type Bus,
  type BusRecord,
  type DeadLetterMetrics,
  type DeadLetterSink,
  type StepResult,
  type Subscription,
} from '@custody/bus';
import { SYSTEM_TENANT, TENANT_ID } from '@custody/envelope';
import { errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { LogAppend, type RecordLogWriter } from '@custody/record-log';
import type { SearchIndex } from '@custody/search-index';

export interface RecordLogConsumerDeps {
  bus: Bus;
  writer: RecordLogWriter;
  index: SearchIndex;
  topic: string;
  dlq: string;
  groupId: string;
  /** How often a log that grew is checkpointed; every UTC day end too. */
  checkpointEveryMs: number;
  /** Tenants to checkpoint even before this process appended to them (a restart with leaves not yet checkpointed). */
  knownTenants(): string[];
  logger: Logger;
  metrics?: DeadLetterMetrics;
  now?: () => number;
}

/**
 * Appends what the archivers announce to each tenant's record log, in order (the topic is keyed by
 * tenant), then tells the index where each record sits so its proof can be found. Checkpoints are
 * signed on a timer, for every tenant whose log grew, and at each UTC day end. A message that is not
 * a log append, or names keys of another tenant, is dead-lettered alone; store outages retry.
 */
export class RecordLogConsumer {
  private subscription?: Subscription;
  private readonly sink: DeadLetterSink;
  private timer?: NodeJS.Timeout;
  private dayEnd?: NodeJS.Timeout;

  constructor(private readonly deps: RecordLogConsumerDeps) {
    this.sink = { bus: deps.bus, topic: deps.dlq, logger: deps.logger, metrics: deps.metrics };
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId,
      topics: [this.deps.topic],
      fromBeginning: true,
      onBatch: (records) => this.handleBatch(records),
    });
    this.timer = setInterval(() => void this.checkpointAll('interval'), this.deps.checkpointEveryMs);
    this.timer.unref();
    this.armDayEnd();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.dayEnd);
    await this.subscription?.stop();
    // what was appended since the last checkpoint is signed before the process goes
    await this.checkpointAll('shutdown');
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    const results: StepResult<null>[] = [];
    for (const r of records) {
      const decoded = decodeAppend(r);
      results.push(decoded.status === 'ok' ? await this.append(r, decoded.value) : decoded);
      if (results.at(-1)!.status === 'retry') break;
    }
    await actOnResults(this.sink, records, results);
  }

  /** Checkpoints every tenant whose log grew; failures are logged and tried again next time. */
  async checkpointAll(why: string): Promise<void> {
    const tenants = new Set([...this.deps.writer.tenants(), ...this.deps.knownTenants()]);
    for (const tenant of tenants) {
      try {
        await this.deps.writer.checkpoint(tenant);
      } catch (err) {
        this.deps.logger.warn({ event: 'checkpoint_failed', tenant, why, err: errorMessage(err) });
      }
    }
  }

  private async append(r: BusRecord, message: LogAppend): Promise<StepResult<null>> {
    try {
      const sequenced = await this.deps.writer.append(message.tenant, message.leaves, { topic: r.topic, partition: r.partition, offset: r.offset });
      const records = sequenced.filter((l) => l.kind === 'record');
      if (records.length) await this.deps.index.setLogSequences(message.tenant, new Map(records.map((l) => [l.id, l.sequence])));
      return ok(null);
    } catch (err) {
      return classify('record-log', err);
    }
  }

  private armDayEnd(): void {
    const now = (this.deps.now ?? Date.now)();
    const next = Math.floor(now / 86_400_000 + 1) * 86_400_000;
    this.dayEnd = setTimeout(
      () => {
        void this.checkpointAll('day_end');
        this.armDayEnd();
      },
      next - now + 1_000,
    );
    this.dayEnd.unref();
  }
}

function decodeAppend(r: BusRecord): StepResult<LogAppend> {
  let message: LogAppend;
  try {
    message = LogAppend.parse(JSON.parse(r.value.toString('utf8')));
  } catch (err) {
    return deadLetter('record-log', `not a log append: ${errorMessage(err).slice(0, 300)}`);
  }
  if (!TENANT_ID.test(message.tenant) && message.tenant !== SYSTEM_TENANT) return deadLetter('record-log', 'not a tenant id');
  // a leaf can only name its own tenant's objects, of the kind it says
  const foreign = message.leaves.find((l) => {
    const o = parseKey(l.key);
    return !o || (o.kind !== 'record' && o.kind !== 'audit') || o.tenant !== message.tenant || o.kind !== l.kind || o.id !== l.id;
  });
  if (foreign) return deadLetter('record-log', `leaf ${foreign.id} names ${foreign.key}, not a ${foreign.kind} of tenant ${message.tenant}`);
  return ok(message);
}
