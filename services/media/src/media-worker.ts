import { manifestKey, type ArchiveStore, storeBlob, type AttachmentManifest } from '@custody/archive-store';
import {
  actOnResults,
  classify,
  deadLetter,
  ok,
  type BatchContext,
  type Bus,
  type BusRecord,
  type DeadLetterMetrics,
  type DeadLetterSink,
  type OutgoingMessage,
  type RecordSource,
  type StepResult,
  type Subscription,
} from '@custody/bus';
import type { MediaContent, MediaContext } from '@custody/connector-kit';
import { isMediaType, parseEnvelope, type Attachment, type Envelope } from '@custody/envelope';
import { CustodyError, errorMessage, isRetriable, sleep, mapLimit } from '@custody/errors';
import type { ConnectorInstances, ResolvedInstance } from '@custody/connectors';
import type { Logger } from '@custody/logger';
import type { LockPolicy } from '@custody/policy';
import { InstanceBackoff, type RetryBudget } from './instance-backoff';
import { VendorDigestMismatch, vendorDigestCheck } from './vendor-digests';

export interface MediaWorkerDeps {
  bus: Bus;
  store: ArchiveStore;
  policy: LockPolicy;
  instances: ConnectorInstances;
  /** The operator's egress settings for an instance (base URL override, allow-listed HTTP client, local directory). */
  contextFor(instance: ResolvedInstance): MediaContext;
  topics: { customerData: string; dlq: string; mediaRetry: string };
  groupId: string;
  retry: RetryBudget;
  logger: Logger;
  metrics?: DeadLetterMetrics;
}

/**
 * The bus's StepResult (ok; dlq: will never succeed as it is; retry: our own store or lock policy
 * failed, which no instance causes and every record needs, so the batch is retried whole), plus
 * vendor: the vendor failed in a way a later attempt may clear (counts against the record's budget
 * when `attempted`; false when the record was parked without calling a vendor that is failing).
 */
type Outcome = StepResult<null> | { status: 'vendor'; reason: string; attempted: boolean };

/** Headers the retry topic adds to the original record. */
const ATTEMPTS = 'media_attempts';
const DUE = 'media_due';
const LAST_ERROR = 'media_last_error';
/** Instances whose records one batch fetches at once: each download spools to disk, so not unbounded. */
const INSTANCES_IN_PARALLEL = 4;

/** Attachments a live payload only referenced: content still to fetch from the vendor. */
export function pendingAttachments(env: Envelope): Attachment[] {
  const all = [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])];
  return all.filter((a) => a.sourceRef && !a.storageKey);
}

/** A failure of the vendor (its answer or its download stream), as opposed to one of our store. */
class VendorFailure extends Error {
  constructor(readonly error: unknown) {
    super(errorMessage(error));
  }
}

/**
 * Follows customer-data in its own consumer group and fetches referenced attachments from the
 * vendor through the connector that captured the record, storing each once by SHA-256 with the
 * record's lock, plus a WORM manifest beside the record.
 *
 * One failing vendor never holds up another tenant: a record whose vendor fails (5xx, 429, network)
 * is moved to the retry topic and its offset committed only once that write is durable, and its
 * connector instance backs off (its next records are parked there too, without calling the vendor).
 * The retry topic is followed by a second consumer that tries each record when it is due, with
 * jittered exponential backoff per record, and dead-letters it with the reason once its budget of
 * attempts is spent. Content the vendor refuses (4xx) is dead-lettered at once; an outage of our own
 * store is retried whole, without commit, as everywhere else.
 */
export class MediaWorker {
  private readonly subscriptions: Subscription[] = [];
  private readonly backoff: InstanceBackoff;
  private readonly sink: DeadLetterSink;
  constructor(private readonly deps: MediaWorkerDeps) {
    this.backoff = new InstanceBackoff(deps.retry);
    // a record dead-lettered from the retry topic names where it was first read
    this.sink = { bus: deps.bus, topic: deps.topics.dlq, logger: deps.logger, metrics: deps.metrics, origin: (r) => firstRead(this.origin(r)) };
  }

  async start(): Promise<void> {
    const { bus, topics, groupId } = this.deps;
    this.subscriptions.push(await bus.subscribe({ groupId, topics: [topics.customerData], fromBeginning: true, onBatch: (r) => this.handleBatch(r) }));
    this.subscriptions.push(
      await bus.subscribe({
        groupId: `${groupId}-retry`,
        topics: [topics.mediaRetry],
        fromBeginning: true,
        onBatch: (r, ctx) => this.handleRetryBatch(r, ctx),
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  /** New records: an instance whose vendor is failing is not called; its records go straight to the retry topic. */
  async handleBatch(records: BusRecord[]): Promise<void> {
    const outcomes = await this.perInstance(records, (record) => this.handle(record, { parkIfFailing: true }));
    await this.settle(records, outcomes);
  }

  /** Parked records, each tried when due; the records of one instance wait in order, other instances in parallel. */
  async handleRetryBatch(records: BusRecord[], ctx: BatchContext): Promise<void> {
    const outcomes = await this.perInstance(records, async (record) => {
      await this.waitUntil(Date.parse(record.headers[DUE] ?? '') || 0, ctx);
      return this.handle(record, { parkIfFailing: false });
    });
    await this.settle(records, outcomes);
  }

  private async perInstance(records: BusRecord[], run: (r: BusRecord) => Promise<Outcome>): Promise<Map<BusRecord, Outcome>> {
    const groups = new Map<string, BusRecord[]>();
    for (const r of records) {
      const key = r.headers.instance ?? '';
      groups
        .set(key, groups.get(key) ?? [])
        .get(key)!
        .push(r);
    }
    const results = new Map<BusRecord, Outcome>();
    await mapLimit([...groups.values()], INSTANCES_IN_PARALLEL, async (group) => {
      for (const record of group) results.set(record, await run(record));
    });
    return results;
  }

  /**
   * Dead-letters (through the bus's one act function) and parks what needs it, durably, before the
   * bus may commit the batch; an outage of our own throws before either.
   */
  private async settle(records: BusRecord[], outcomes: Map<BusRecord, Outcome>): Promise<void> {
    const parked: OutgoingMessage[] = [];
    const { attempts: budget } = this.deps.retry;
    const results = records.map((record): StepResult<null> => {
      const outcome = outcomes.get(record)!;
      if (outcome.status !== 'vendor') return outcome;
      const { attempted } = outcome;
      const attempts = Number(record.headers[ATTEMPTS] ?? 0) + (attempted ? 1 : 0);
      const instance = record.headers.instance ?? '';
      if (attempts >= budget) {
        this.deps.logger.warn({ event: 'media_retry_exhausted', instance, topic: record.topic, offset: record.offset, attempts, err: outcome.reason });
        return deadLetter('media', `attachments not fetched after ${attempts} attempts: ${outcome.reason}`, { headers: { [ATTEMPTS]: String(attempts) } });
      }
      const due = attempted ? Date.now() + this.backoff.delay(attempts) : Math.max(Date.now(), this.backoff.failingSince(instance)?.until ?? 0);
      parked.push({
        key: record.key ?? undefined,
        value: record.value,
        headers: { ...this.origin(record), [ATTEMPTS]: String(attempts), [DUE]: new Date(due).toISOString(), [LAST_ERROR]: outcome.reason.slice(0, 2000) },
      });
      this.deps.logger.info({ event: 'media_fetch_parked', instance, attempts, due: new Date(due).toISOString(), err: outcome.reason });
      return ok(null);
    });
    await actOnResults(this.sink, records, results);
    if (parked.length) await this.deps.bus.publish(this.deps.topics.mediaRetry, parked);
  }

  /** The record's headers with where it was first read from, kept across hops through the retry topic. */
  private origin(record: BusRecord): Record<string, string> {
    if (record.headers.media_source_topic) return { ...record.headers };
    return { ...record.headers, media_source_topic: record.topic, media_source_partition: String(record.partition), media_source_offset: record.offset };
  }

  private async waitUntil(due: number, ctx: BatchContext): Promise<void> {
    // heartbeats keep the group membership while a parked record is not yet due
    for (let left = due - Date.now(); left > 0 && !ctx.signal.aborted; left = due - Date.now()) {
      await sleep(Math.min(left, 3_000), ctx.signal);
      await ctx.heartbeat();
    }
    if (ctx.signal.aborted) throw new Error('media worker stopping');
  }

  private async handle(record: BusRecord, opts: { parkIfFailing: boolean }): Promise<Outcome> {
    let env: Envelope;
    try {
      env = parseEnvelope(record.value);
    } catch {
      return ok(null); // the archiver dead-letters undecodable records; no second copy here
    }
    if (pendingAttachments(env).length === 0) return ok(null);
    let instance: ResolvedInstance | undefined;
    try {
      instance = record.headers.instance ? this.deps.instances.get(record.headers.instance) : undefined;
    } catch (err) {
      return deadLetter('media', `connector instance "${record.headers.instance}" that captured ${env.id} has an invalid config: ${errorMessage(err)}`);
    }
    if (!instance)
      return deadLetter(
        'media',
        `connector instance "${record.headers.instance ?? ''}" that captured ${env.id} is not configured: its attachments cannot be fetched`,
      );
    // some vendors' content can only be fetched on the firm's side (WeCom archive: Finance SDK); the reference is the record
    const fetchMedia = instance.connector.fetchMedia?.bind(instance.connector);
    if (!fetchMedia) return ok(null);
    // references that name rather than locate (a LINE sticker) are not downloads
    const pending = pendingAttachments(env).filter((a) => instance.connector.fetchable?.(a) ?? true);
    if (pending.length === 0) return ok(null);
    const failing = opts.parkIfFailing ? this.backoff.failingSince(instance.id) : undefined;
    if (failing) return { status: 'vendor', reason: `instance ${instance.id} is backing off after ${failing.failures} failed fetches`, attempted: false };
    const ctx = this.deps.contextFor(instance);
    const failures: string[] = [];
    for (const att of pending) {
      try {
        await this.fetchOne(env, att, (a) => fetchMedia(a, instance.config, ctx));
      } catch (err) {
        if (!(err instanceof VendorFailure)) return ourFailure(att, err);
        // not the classifier: a download cut off midway surfaces from undici as TypeError('terminated'),
        // which is the vendor's connection, not a bug; the record's attempt budget bounds these retries
        if (isRetriable(err.error) || !(err.error instanceof CustodyError)) {
          this.backoff.failed(instance.id);
          this.deps.logger.warn({
            event: 'media_vendor_failed',
            tenant: env.tenant,
            instance: instance.id,
            record: env.id,
            attachment: att.id,
            err: errorMessage(err.error),
          });
          return { status: 'vendor', reason: `${att.id}: ${errorMessage(err.error)}`, attempted: true };
        }
        failures.push(`${att.id}: ${errorMessage(err.error)}`);
        if (err.error instanceof VendorDigestMismatch) {
          // what the vendor served is not what it described: nothing stored, the record dead-lettered with the reason
          this.deps.logger.error({
            event: 'attachment_digest_mismatch',
            tenant: env.tenant,
            instance: instance.id,
            record: env.id,
            attachment: att.id,
            mismatches: err.error.mismatches,
          });
        } else {
          this.deps.logger.warn({ event: 'attachment_unfetchable', tenant: env.tenant, record: env.id, attachment: att.id, err: errorMessage(err.error) });
        }
      }
    }
    this.backoff.succeeded(instance.id);
    return failures.length ? deadLetter('media', `attachments not fetchable: ${failures.join('; ')}`) : ok(null);
  }

  /** Errors of the vendor's answer or download stream come out as VendorFailure; the store's as they are. */
  private async fetchOne(env: Envelope, att: Attachment, fetchMedia: (a: Attachment) => Promise<MediaContent>): Promise<void> {
    const key = manifestKey(env.tenant, env.id, att.id);
    if (await this.deps.store.head(key)) return; // fetched before (redelivery)
    const lock = await this.deps.policy.lockFor(env);
    const media = await fetchMedia(att).catch((err: unknown) => {
      throw new VendorFailure(err);
    });
    let streamError: unknown;
    media.body.once('error', (err) => (streamError ??= err));
    // the download's Content-Type is vendor-supplied too: only a valid media type is kept
    const mimeType = isMediaType(media.mimeType) ? media.mimeType : att.mimeType;
    const blob = await storeBlob(this.deps.store, {
      tenant: env.tenant,
      source: media.body,
      contentType: mimeType,
      retainUntil: lock.retainUntil,
      legalHold: lock.holds.length > 0,
      ...vendorDigestCheck(att),
    }).catch((err: unknown) => {
      // a download cut off midway or content other than the vendor described is the vendor's failure; a refused put is ours
      throw streamError !== undefined ? new VendorFailure(streamError) : err instanceof VendorDigestMismatch ? new VendorFailure(err) : err;
    });
    const manifest: AttachmentManifest = {
      recordId: env.id,
      attachmentId: att.id,
      storageKey: blob.storageKey,
      sha256: blob.sha256,
      size: blob.size,
      mimeType,
      fetchedAt: new Date().toISOString(),
    };
    await this.deps.store.put({
      key,
      body: Buffer.from(JSON.stringify(manifest)),
      contentType: 'application/json',
      retainUntil: lock.retainUntil,
      legalHold: lock.holds.length > 0,
    });
    this.deps.logger.info({
      event: 'attachment_stored',
      tenant: env.tenant,
      record: env.id,
      attachment: att.id,
      sha256: blob.sha256,
      size: blob.size,
      new_blob: blob.created,
    });
  }
}

/** A failure of our own store or lock policy while fetching `att`: the classifier decides, the reason names the attachment. */
function ourFailure(att: Attachment, err: unknown): StepResult<null> {
  const result = classify('media', err);
  return result.status === 'dlq' ? { ...result, reason: `${att.id}: ${result.reason}` } : result;
}

function firstRead(headers: Record<string, string>): RecordSource {
  return { topic: headers.media_source_topic, partition: headers.media_source_partition, offset: headers.media_source_offset };
}
