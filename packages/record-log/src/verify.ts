import { randomUUID, createHash } from 'node:crypto';
import { certificatePrefix, parseKey, tenantPrefix, type ArchiveStore, type ObjectVersionRef } from '@custody/archive-store';
import { integrityHash, type Envelope } from '@custody/envelope';
import { IntegrityError, NotFoundError, mapLimit } from '@custody/errors';
import type { PublicKey } from './checkpoint';
import { ZodError } from 'zod';
import { chainLinkOf, sha256Hex, type AuditChainLink } from './audit-chain';
import { verifyLog, type KnownLeaf } from './verify-log';
import { PROBLEMS_LISTED, type Problem, type VerificationReport } from './verify-report';

export interface VerifyOptions {
  tenant: string;
  /** Keys whose signatures count: the current signing key and earlier ones still trusted. */
  trusted: PublicKey[];
  /** Only versions stored in [from, to) are read back and re-hashed; completeness is always checked whole. */
  from?: Date;
  to?: Date;
  /** Re-hash this many versions drawn at random (uniformly, reservoir) instead of all. */
  sample?: number;
  /** Also walk the audit trail's hash chain (every event names its predecessor's hash). */
  audit?: boolean;
  /** The index's records, for drift: every entry must point at the version the log names. */
  indexed?: () => AsyncIterable<{ id: string; key: string; versionId: string; logSequence?: number }>;
  onProgress?(p: VerifyProgress): void;
  now?: () => Date;
  /** The run's id (default: made from the start time); reports are archived under it. */
  runId?: string;
}

export const newRunId = (at: Date) => `verify-${at.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;

export interface VerifyProgress {
  phase: 'log' | 'store' | 'rehash' | 'audit' | 'index';
  done: number;
  total?: number;
}

/** A store write is appended to the log right after it: versions this recent and not yet logged are pending, not unexpected. */
const PENDING_MS = 5 * 60_000;
const READS_IN_FLIGHT = 8;
const CHUNK = 256;

/**
 * Verifies one tenant's archive from the WORM store alone — the store's own listing, never the
 * index or the bus: the log and its signed checkpoints (verifyLog), then every stored record and
 * audit version against the leaf that names it (present, the very version, the same bytes, the same
 * envelope, retention not moved back), every leaf against the store (missing unless a disposition
 * certificate accounts for it), and optionally the index against the log.
 */
export async function verifyTenant(store: ArchiveStore, opts: VerifyOptions): Promise<VerificationReport> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const report: VerificationReport = {
    schema: 'custody.verification-report/v1',
    runId: opts.runId ?? newRunId(started),
    tenant: opts.tenant,
    startedAt: started.toISOString(),
    finishedAt: '',
    ok: false,
    scope: {
      from: opts.from?.toISOString() ?? null,
      to: opts.to?.toISOString() ?? null,
      sample: opts.sample ?? null,
      audit: Boolean(opts.audit),
      index: Boolean(opts.indexed),
    },
    log: { size: 0, root: '', duplicates: 0, checkpoints: 0, latestCheckpoint: null },
    counts: { stored: 0, rehashed: 0, disposed: 0, pending: 0, uncheckpointed: 0, indexed: 0 },
    problemsByKind: {},
    problems: [],
  };
  const problem = (p: Problem) => {
    report.problemsByKind[p.kind] = (report.problemsByKind[p.kind] ?? 0) + 1;
    if (report.problems.length < PROBLEMS_LISTED) report.problems.push(p);
  };
  const progress = (phase: VerifyProgress['phase'], done: number, total?: number) => opts.onProgress?.({ phase, done, total });

  let logged = 0;
  const log = await verifyLog(store, opts.tenant, opts.trusted, problem, () => ++logged % 10_000 === 0 && progress('log', logged));
  report.log = { size: log.size, root: log.root, duplicates: log.duplicates, checkpoints: log.checkpoints, latestCheckpoint: log.latestCheckpoint };
  report.counts.uncheckpointed = log.size - (log.latestCheckpoint?.size ?? 0);

  // the store's own listing of what is logged: records and audit events
  const seen = new Set<string>();
  const toRehash = reservoir<{ v: ObjectVersionRef; leaf: KnownLeaf }>(opts.sample);
  for (const area of ['records/', 'audit/']) {
    for await (const v of store.list(`${tenantPrefix(opts.tenant)}${area}`)) {
      const o = parseKey(v.key);
      if (v.deleteMarker || (o?.kind !== 'record' && o?.kind !== 'audit')) continue;
      report.counts.stored++;
      if (report.counts.stored % 10_000 === 0) progress('store', report.counts.stored, log.leaves.size);
      const leaf = log.leaves.get(v.key);
      const recent = v.lastModified.getTime() >= started.getTime() - PENDING_MS;
      if (!leaf) {
        if (recent) report.counts.pending++;
        else problem({ kind: 'unexpected', key: v.key, versionId: v.versionId, detail: 'stored, but in no leaf of the record log' });
        continue;
      }
      if (leaf.versionId !== v.versionId) {
        problem({
          kind: 'extra_version',
          key: v.key,
          versionId: v.versionId,
          detail: `the record log names version ${leaf.versionId} (leaf ${leaf.sequence})`,
        });
        continue;
      }
      seen.add(v.key);
      const inScope = (!opts.from || v.lastModified >= opts.from) && (!opts.to || v.lastModified < opts.to);
      if (inScope) toRehash.offer({ v, leaf });
    }
  }

  const picked = toRehash.items();
  for (let i = 0; i < picked.length; i += CHUNK) {
    await mapLimit(picked.slice(i, i + CHUNK), READS_IN_FLIGHT, ({ v, leaf }) => rehash(store, v, leaf, problem));
    report.counts.rehashed = Math.min(i + CHUNK, picked.length);
    progress('rehash', report.counts.rehashed, picked.length);
  }

  const disposed = await disposedVersions(store, opts.tenant);
  for (const [key, leaf] of log.leaves) {
    if (seen.has(key)) continue;
    if (disposed.has(`${key}@${leaf.versionId}`)) report.counts.disposed++;
    else problem({ kind: 'missing', key, versionId: leaf.versionId, sequence: leaf.sequence, detail: `named by leaf ${leaf.sequence}, not in the store` });
  }

  if (opts.audit) await verifyAuditChain(store, log.audit, problem, (done) => progress('audit', done, log.audit.length));

  if (opts.indexed) {
    const indexed = new Set<string>();
    for await (const doc of opts.indexed()) {
      report.counts.indexed++;
      if (report.counts.indexed % 10_000 === 0) progress('index', report.counts.indexed);
      indexed.add(doc.key);
      const leaf = log.leaves.get(doc.key);
      // indexed a moment before its leaf was appended (after the log was read): not drift yet
      if (!leaf && (doc.logSequence === undefined || doc.logSequence >= log.size)) report.counts.pending++;
      else if (!leaf) problem({ kind: 'index_drift', key: doc.key, detail: `index entry ${doc.id} points at a key the record log never named` });
      else if (leaf.versionId !== doc.versionId)
        problem({
          kind: 'index_drift',
          key: doc.key,
          versionId: doc.versionId,
          detail: `index points at version ${doc.versionId}, the log names ${leaf.versionId}`,
        });
    }
    for (const [key, leaf] of log.leaves) {
      if (leaf.kind === 'record' && seen.has(key) && !indexed.has(key))
        problem({ kind: 'index_missing', key, sequence: leaf.sequence, detail: `record ${leaf.id} is archived and logged but not indexed` });
    }
  }

  report.finishedAt = now().toISOString();
  report.ok = report.problems.length === 0;
  return report;
}

async function rehash(store: ArchiveStore, v: ObjectVersionRef, leaf: KnownLeaf, problem: (p: Problem) => void): Promise<void> {
  const where = { key: v.key, versionId: v.versionId, sequence: leaf.sequence };
  let stored;
  try {
    stored = await store.get(v.key, v.versionId);
  } catch (err) {
    // a store that checks its own checksums refuses damaged bytes: that is an alteration to report, not a crash
    if (err instanceof IntegrityError) return problem({ kind: 'altered', ...where, detail: err.message });
    if (err instanceof NotFoundError) return problem({ kind: 'missing', ...where, detail: `listed, then gone: ${err.message}` });
    throw err;
  }
  const { info, body } = stored;
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== leaf.sha256) return problem({ kind: 'altered', ...where, detail: `bytes hash to ${actual}, the record log recorded ${leaf.sha256}` });
  if (leaf.kind === 'record') {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(body.toString('utf8')) as Envelope;
    } catch {
      return problem({ kind: 'altered', ...where, detail: 'not JSON' });
    }
    const integrity = integrityHash(envelope);
    if (integrity !== leaf.envelopeSha256 || envelope.integrity?.sha256 !== integrity || envelope.id !== leaf.id)
      return problem({ kind: 'altered', ...where, detail: `envelope integrity ${integrity}, the record log recorded ${leaf.envelopeSha256}` });
  }
  if ((info.retainUntil?.getTime() ?? 0) < Date.parse(leaf.retainUntil))
    problem({
      kind: 'retention_shortened',
      ...where,
      detail: `retained until ${info.retainUntil?.toISOString() ?? 'never'}, the record log recorded ${leaf.retainUntil}`,
    });
}

/** key@versionId of every version a disposition certificate of the tenant says it deleted. */
async function disposedVersions(store: ArchiveStore, tenant: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const v of store.list(certificatePrefix(tenant))) {
    if (v.deleteMarker || parseKey(v.key)?.kind !== 'certificate') continue;
    let cert: { dryRun?: unknown; disposed?: Array<{ key: string; versionId: string }> };
    try {
      cert = JSON.parse((await store.get(v.key, v.versionId)).body.toString('utf8'));
    } catch {
      continue; // an unreadable certificate accounts for nothing: what it would have named is reported missing
    }
    // only a certificate that says it deleted (dryRun: false) accounts for a version
    if (cert.dryRun !== false || !Array.isArray(cert.disposed)) continue;
    for (const d of cert.disposed ?? []) out.add(`${d.key}@${d.versionId}`);
  }
  return out;
}

/** Keeps every item, or a uniform random sample of `size` (Algorithm R). */
function reservoir<T>(size?: number) {
  const items: T[] = [];
  let offered = 0;
  return {
    offer(item: T) {
      offered++;
      if (size === undefined || items.length < size) items.push(item);
      else {
        const j = Math.floor(Math.random() * offered);
        if (j < size) items[j] = item;
      }
    },
    items: () => items,
  };
}

/**
 * Walks a tenant's audit trail in log order: each event must be the next position of the chain and
 * name the SHA-256 of the stored bytes of the event before it. A position skipped is a gap (events
 * removed); a predecessor hash that does not match names the event after an edited or replaced one.
 * Events archived before the chain existed (no link) may only come first.
 */
async function verifyAuditChain(
  store: ArchiveStore,
  audit: Array<KnownLeaf & { key: string }>,
  problem: (p: Problem) => void,
  onProgress: (done: number) => void,
): Promise<void> {
  // null: before the first event; undefined: after one that could not be read (the next is not judged against it)
  let previous: { sequence: number; sha256: string; chained: boolean } | null | undefined = null;
  for (const [i, leaf] of audit.entries()) {
    if (i % 1000 === 999) onProgress(i + 1);
    const where = { key: leaf.key, versionId: leaf.versionId, sequence: leaf.sequence };
    let body: Buffer;
    let link: AuditChainLink | null;
    try {
      body = (await store.get(leaf.key, leaf.versionId)).body;
      link = chainLinkOf(body);
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof IntegrityError || err instanceof SyntaxError || err instanceof ZodError) {
        problem({ kind: 'audit_altered', ...where, detail: `the chain cannot be read here: ${err.message.slice(0, 200)}` });
        previous = undefined;
        continue;
      }
      throw err;
    }
    const sha256 = sha256Hex(body);
    if (!link) {
      if (previous?.chained) problem({ kind: 'audit_altered', ...where, detail: 'an event without its chain link after chained ones' });
      previous = { sequence: 0, sha256, chained: false };
      continue;
    }
    if (previous === undefined) {
      // nothing to compare with
    } else if (previous) {
      if (link.sequence !== previous.sequence + 1)
        problem({
          kind: 'audit_gap',
          ...where,
          detail: `position ${link.sequence} follows ${previous.sequence}: ${link.sequence - previous.sequence - 1} event(s) missing or reordered`,
        });
      if (link.previous !== previous.sha256)
        problem({
          kind: 'audit_altered',
          ...where,
          detail: `names its predecessor ${link.previous ?? 'none'}, the event before it hashes to ${previous.sha256}`,
        });
    } else if (link.sequence !== 1 || link.previous !== null) {
      problem({ kind: 'audit_gap', ...where, detail: `the trail starts at position ${link.sequence}` });
    }
    previous = { sequence: link.sequence, sha256, chained: true };
  }
}
