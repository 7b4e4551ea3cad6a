import { auditKey, type ArchiveStore } from '@custody/archive-store';
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
import { jsonSyntaxMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { chainLinkOf, logAppendMessages, sha256Hex, type AuditChainHead, type AuditChainLink, type LogLeaf } from '@custody/record-log';

export interface AuditArchiverDeps {
  bus: Bus;
  store: ArchiveStore;
  topic: string;
  /** Where each archived event is announced for its tenant's record log. */
  recordLogTopic: string;
  /** Where events that are not audit events go, like every consumer's bad records. */
  dlq: string;
  groupId: string;
  /** Audit records are kept at least as long as the records they are about could be. */
  retainFor(tenant: string): Promise<number>;
  /** Where a tenant's audit chain stands in the store (first use in this process; later the archiver knows). */
  chainHead(tenant: string): Promise<AuditChainHead | null>;
  logger: Logger;
  metrics?: DeadLetterMetrics;
}

interface AuditEvent {
  id: string;
  at: string;
  tenant: string;
  /** The event as published, every member. */
  event: Record<string, unknown>;
}

const SAFE = /^[\w.-]{1,128}$/;
/** A customer's trail, or the reserved one of failed authentications. */
const auditTenant = (t: string) => TENANT_ID.test(t) || t === SYSTEM_TENANT;

/**
 * Writes every audit event to the WORM store (tenants/<tenant>/audit/<day>/<event id>.json), write-once
 * and locked, so the trail of who searched, exported, held and disposed of what cannot be edited
 * either. Offsets are committed only after the writes; an event that is not an audit event is
 * dead-lettered with the reason (nothing else writes to the topic, so it is kept for investigation,
 * never skipped silently); a store outage retries the batch.
 */
export class AuditArchiver {
  private subscription?: Subscription;
  private readonly sink: DeadLetterSink;
  /** Each tenant's chain head as this process last stored it (the topic is keyed by tenant: one writer per tenant). */
  private readonly heads = new Map<string, AuditChainHead | null>();
  constructor(private readonly deps: AuditArchiverDeps) {
    this.sink = { bus: deps.bus, topic: deps.dlq, logger: deps.logger, metrics: deps.metrics };
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId,
      topics: [this.deps.topic],
      fromBeginning: true,
      onBatch: (r) => this.handleBatch(r),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    const results: StepResult<{ tenant: string; leaf: LogLeaf }>[] = [];
    for (const r of records) {
      const decoded = decodeAuditEvent(r);
      results.push(decoded.status === 'ok' ? await this.archive(decoded.value) : decoded);
      // the batch is retried whole: writing the events after an outage would only fail again
      if (results.at(-1)!.status === 'retry') break;
    }
    // the trail is in the record log like the records it is about, announced before the commit
    const leaves = results.flatMap((r) => (r.status === 'ok' ? [r.value] : []));
    if (leaves.length && results.every((r) => r.status !== 'retry')) await this.deps.bus.publish(this.deps.recordLogTopic, logAppendMessages(leaves));
    await actOnResults(this.sink, records, results);
  }

  private async archive({ id, at, tenant, event }: AuditEvent): Promise<StepResult<{ tenant: string; leaf: LogLeaf }>> {
    try {
      const seconds = await this.deps.retainFor(tenant);
      const key = auditKey(tenant, at, id);
      // never into the past (a replayed old event): the store cannot lock backwards
      const retainUntil = new Date(Math.max(Date.parse(at) + seconds * 1000, Date.now() + 86_400_000));
      if (!this.heads.has(tenant)) this.heads.set(tenant, await this.deps.chainHead(tenant));
      const head = this.heads.get(tenant) ?? null;
      const chain: AuditChainLink = { sequence: (head?.sequence ?? 0) + 1, previous: head?.sha256 ?? null };
      const body = Buffer.from(JSON.stringify({ ...event, chain }));
      const put = await this.deps.store.put({ key, body, contentType: 'application/json', retainUntil, legalHold: false });
      // a redelivered event keeps the bytes (and the place in the chain) it was first stored with
      const stored = put.created ? { body, info: undefined } : await this.deps.store.get(key, put.versionId);
      this.heads.set(tenant, { sequence: chainLinkOf(stored.body)?.sequence ?? 0, sha256: sha256Hex(stored.body) });
      const leaf: LogLeaf = {
        kind: 'audit',
        id,
        key,
        versionId: put.versionId,
        sha256: put.sha256,
        envelopeSha256: '',
        channel: '',
        type: 'audit',
        retainUntil: (stored.info?.retainUntil ?? retainUntil).toISOString(),
      };
      return ok({ tenant, leaf });
    } catch (err) {
      return classify('audit', err);
    }
  }
}

function decodeAuditEvent(r: BusRecord): StepResult<AuditEvent> {
  let event: { id?: unknown; at?: unknown; tenant?: unknown };
  try {
    event = JSON.parse(r.value.toString('utf8'));
  } catch (err) {
    return deadLetter('audit', `not JSON: ${jsonSyntaxMessage(err)}`);
  }
  const { id, at, tenant } = event ?? {};
  if (
    typeof id !== 'string' ||
    typeof at !== 'string' ||
    typeof tenant !== 'string' ||
    !SAFE.test(id) ||
    !auditTenant(tenant) ||
    Number.isNaN(Date.parse(at))
  ) {
    return deadLetter('audit', 'not an audit event: missing id or at, or not a tenant id');
  }
  return ok({ id, at, tenant, event: event });
}
