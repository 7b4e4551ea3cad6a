import type { ArchiveStore } from '@custody/archive-store';
import { storeBlob, type LockPolicy } from '@custody/archiver';
import type { Bus, BusRecord, Subscription } from '@custody/bus';
import type { MediaContent } from '@custody/connector-kit';
import { isMediaType, parseEnvelope, type Attachment, type Envelope } from '@custody/envelope';
import { CustodyError, errorMessage, isRetriable } from '@custody/errors';
import type { InstanceDirectory } from '@custody/gateway';
import type { Logger } from '@custody/logger';
import { manifestKey, type AttachmentManifest } from './manifest';

export interface MediaWorkerDeps {
  bus: Bus;
  store: ArchiveStore;
  policy: LockPolicy;
  instances: InstanceDirectory;
  topics: { customerData: string; dlq: string };
  groupId: string;
  logger: Logger;
}

type Outcome = { status: 'ok' } | { status: 'dlq'; reason: string } | { status: 'retry'; error: unknown };

/** Attachments a live payload only referenced: content still to fetch from the vendor. */
export function pendingAttachments(env: Envelope): Attachment[] {
  const all = [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])];
  return all.filter((a) => a.sourceRef && !a.storageKey);
}

/**
 * Follows customer-data in its own consumer group and fetches referenced attachments from the
 * vendor through the connector that captured the record, storing each once by SHA-256 with the
 * record's lock, plus a WORM manifest beside the record. Vendor outages are retried without commit;
 * content the vendor will never serve (4xx) is dead-lettered with the reason.
 */
export class MediaWorker {
  private subscription?: Subscription;
  constructor(private readonly deps: MediaWorkerDeps) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({ groupId: this.deps.groupId, topics: [this.deps.topics.customerData], fromBeginning: true, onBatch: (r) => this.handleBatch(r) });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    const dead: Array<{ record: BusRecord; reason: string }> = [];
    for (const record of records) {
      const outcome = await this.handle(record);
      if (outcome.status === 'retry') throw outcome.error;
      if (outcome.status === 'dlq') dead.push({ record, reason: outcome.reason });
    }
    if (dead.length) {
      await this.deps.bus.publish(
        this.deps.topics.dlq,
        dead.map(({ record, reason }) => ({
          key: record.key ?? undefined,
          value: record.value,
          headers: { ...record.headers, dlq_reason: reason.slice(0, 2000), dlq_step: 'media', dlq_source_topic: record.topic, dlq_source_partition: String(record.partition), dlq_source_offset: record.offset, dlq_at: new Date().toISOString() },
        })),
      );
    }
  }

  private async handle(record: BusRecord): Promise<Outcome> {
    let env: Envelope;
    try {
      env = parseEnvelope(record.value);
    } catch {
      return { status: 'ok' }; // the archiver dead-letters undecodable records; no second copy here
    }
    const pending = pendingAttachments(env);
    if (pending.length === 0) return { status: 'ok' };
    const instance = record.headers.instance ? this.deps.instances.get(record.headers.instance) : undefined;
    if (!instance) return { status: 'dlq', reason: `connector instance "${record.headers.instance ?? ''}" that captured ${env.id} is not configured: its attachments cannot be fetched` };
    // some vendors' content can only be fetched on the firm's side (WeCom archive: Finance SDK); the reference is the record
    if (!instance.connector.fetchMedia) return { status: 'ok' };
    const failures: string[] = [];
    for (const att of pending) {
      try {
        await this.fetchOne(env, att, (a) => instance.connector.fetchMedia!(a, instance.config));
      } catch (err) {
        if (isRetriable(err) || !(err instanceof CustodyError)) return { status: 'retry', error: err };
        failures.push(`${att.id}: ${errorMessage(err)}`);
        this.deps.logger.warn({ event: 'attachment_unfetchable', tenant: env.tenant, record: env.id, attachment: att.id, err: errorMessage(err) });
      }
    }
    return failures.length ? { status: 'dlq', reason: `attachments not fetchable: ${failures.join('; ')}` } : { status: 'ok' };
  }

  private async fetchOne(env: Envelope, att: Attachment, fetchMedia: (a: Attachment) => Promise<MediaContent>): Promise<void> {
    const key = manifestKey(env.tenant, env.id, att.id);
    if (await this.deps.store.head(key)) return; // fetched before (redelivery)
    const lock = await this.deps.policy.lockFor(env);
    const media = await fetchMedia(att);
    // the download's Content-Type is vendor-supplied too: only a valid media type is kept
    const mimeType = isMediaType(media.mimeType) ? media.mimeType : att.mimeType;
    const blob = await storeBlob(this.deps.store, { tenant: env.tenant, source: media.body, contentType: mimeType, retainUntil: lock.retainUntil, legalHold: lock.holds.length > 0 });
    const manifest: AttachmentManifest = { recordId: env.id, attachmentId: att.id, storageKey: blob.storageKey, sha256: blob.sha256, size: blob.size, mimeType, fetchedAt: new Date().toISOString() };
    await this.deps.store.put({ key, body: Buffer.from(JSON.stringify(manifest)), contentType: 'application/json', retainUntil: lock.retainUntil, legalHold: lock.holds.length > 0 });
    this.deps.logger.info({ event: 'attachment_stored', tenant: env.tenant, record: env.id, attachment: att.id, sha256: blob.sha256, size: blob.size, new_blob: blob.created });
  }
}
