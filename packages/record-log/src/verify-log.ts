import { checkpointPrefix, logPrefix, parseKey, type ArchiveStore } from '@custody/archive-store';
import { checkpointHash, parseCheckpoint, verifiedSigners, type CheckpointBody, type PublicKey, SignedCheckpoint } from './checkpoint';
import { leafHashOf, type SequencedLeaf } from './leaf';
import { listLeafBatches, readLeafBatch, readTile } from './log-objects';
import { CompactRange } from './merkle';
import type { Problem } from './verify-report';

/** A leaf as verification keeps it: enough to judge the stored version it names. */
export interface KnownLeaf {
  sequence: number;
  kind: SequencedLeaf['kind'];
  id: string;
  versionId: string;
  sha256: string;
  envelopeSha256: string;
  retainUntil: string;
}

export interface LogVerification {
  size: number;
  root: string;
  /** By archive key: the version the log names (the first leaf naming the key; repeats must agree). */
  leaves: Map<string, KnownLeaf>;
  /** The audit events' leaves in log order (each version once): the order of their chain. */
  audit: Array<KnownLeaf & { key: string }>;
  duplicates: number;
  checkpoints: number;
  latestCheckpoint: { size: number; root: string; time: string; keyIds: string[] } | null;
}

/**
 * Re-reads a tenant's whole log from the store: every batch in sequence with no gap or overlap,
 * every leaf re-hashed into the tree, every full level-0 tile compared with the leaves it covers,
 * and every checkpoint checked: signed by a trusted key, chained to the one before it, of this
 * tenant, and with the root the leaves give at its size.
 */
export async function verifyLog(
  store: ArchiveStore,
  tenant: string,
  trusted: PublicKey[],
  problem: (p: Problem) => void,
  onLeaf?: () => void,
): Promise<LogVerification> {
  const checkpoints = await readCheckpoints(store, tenant, trusted, problem);
  const batches = await listLeafBatches(store, tenant);
  const tileIndexes = new Set<number>();
  for await (const v of store.list(`${logPrefix(tenant)}tiles/0/`)) {
    const o = parseKey(v.key);
    if (!v.deleteMarker && o?.kind === 'log-tile') tileIndexes.add(o.index);
  }
  const range = new CompactRange();
  const leaves = new Map<string, KnownLeaf>();
  const audit: LogVerification['audit'] = [];
  let duplicates = 0;
  let tileHashes: Buffer[] = [];
  const rootsAt = new Map<number, string>();
  const wanted = new Set(checkpoints.map((c) => c.body.size));
  if (wanted.has(0)) rootsAt.set(0, range.root().toString('hex'));
  for (const ref of batches) {
    if (ref.first !== range.size) {
      problem({
        kind: ref.first < range.size ? 'log_overlap' : 'log_gap',
        key: ref.key,
        detail: `batch starts at leaf ${ref.first}; the log so far has ${range.size}`,
      });
      if (ref.first < range.size) continue;
      break; // nothing after a gap can be placed in the tree
    }
    let batch;
    try {
      batch = await readLeafBatch(store, tenant, ref.key, ref.versionId);
    } catch (err) {
      problem({ kind: 'log_altered', key: ref.key, detail: (err as Error).message });
      break;
    }
    for (const leaf of batch.leaves) {
      const hash = leafHashOf(leaf);
      range.push(hash);
      tileHashes.push(hash);
      onLeaf?.();
      if (tileHashes.length === 256) {
        await checkTile(store, tenant, range.size / 256 - 1, tileHashes, tileIndexes, problem);
        tileHashes = [];
      }
      if (wanted.has(range.size)) rootsAt.set(range.size, range.root().toString('hex'));
      const seen = leaves.get(leaf.key);
      if (!seen) {
        leaves.set(leaf.key, { ...leaf });
        if (leaf.kind === 'audit') audit.push(leaf);
      } else if (seen.versionId === leaf.versionId && seen.sha256 === leaf.sha256) {
        duplicates++; // a redelivered batch logged the same version again
      } else {
        problem({
          kind: 'log_conflict',
          key: leaf.key,
          sequence: leaf.sequence,
          detail: `leaf ${leaf.sequence} names version ${leaf.versionId}, leaf ${seen.sequence} named ${seen.versionId}`,
        });
      }
    }
  }
  let previous: { hash: string; size: number } | null = null;
  let latest: LogVerification['latestCheckpoint'] = null;
  for (const c of checkpoints) {
    const where = { kind: 'checkpoint_invalid' as const, key: c.key };
    if (c.body.tenant !== tenant) problem({ ...where, detail: `signed for tenant ${c.body.tenant}` });
    if (c.signers.length === 0)
      problem({ kind: 'checkpoint_signature', key: c.key, detail: `no signature by a trusted key (${c.signed.signatures.map((s) => s.keyId).join(', ')})` });
    const expectedPrevious = previous?.hash ?? null;
    if (c.body.previous !== expectedPrevious)
      problem({
        kind: 'checkpoint_chain',
        key: c.key,
        detail: `names previous ${c.body.previous ?? 'none'}, the checkpoint before it (size ${previous?.size ?? '-'}) hashes to ${expectedPrevious ?? 'none'}`,
      });
    const root = rootsAt.get(c.body.size);
    if (c.body.size > range.size) problem({ kind: 'checkpoint_beyond_log', key: c.key, detail: `covers ${c.body.size} leaves, the log holds ${range.size}` });
    else if (root !== c.body.root) problem({ kind: 'checkpoint_root', key: c.key, detail: `root ${c.body.root}, the leaves give ${root}` });
    previous = { hash: checkpointHash(c.signed.body), size: c.body.size };
    // the latest that proves something: signed by a trusted key, with the root its leaves give
    if (c.signers.length > 0 && root === c.body.root && c.body.tenant === tenant)
      latest = { size: c.body.size, root: c.body.root, time: c.body.time, keyIds: c.signers };
  }
  return { size: range.size, root: range.root().toString('hex'), leaves, audit, duplicates, checkpoints: checkpoints.length, latestCheckpoint: latest };
}

interface ReadCheckpoint {
  key: string;
  signed: SignedCheckpoint;
  body: CheckpointBody;
  signers: string[];
}

async function readCheckpoints(store: ArchiveStore, tenant: string, trusted: PublicKey[], problem: (p: Problem) => void): Promise<ReadCheckpoint[]> {
  const out: ReadCheckpoint[] = [];
  for await (const v of store.list(checkpointPrefix(tenant))) {
    const o = parseKey(v.key);
    if (v.deleteMarker || o?.kind !== 'checkpoint') continue;
    try {
      const { body } = await store.get(v.key, v.versionId);
      const signed = SignedCheckpoint.parse(JSON.parse(body.toString('utf8')));
      const parsed = parseCheckpoint(signed.body);
      if (parsed.size !== o.size) throw new Error(`stored as the checkpoint of ${o.size} leaves, says ${parsed.size}`);
      out.push({ key: v.key, signed, body: parsed, signers: verifiedSigners(signed, trusted) });
    } catch (err) {
      problem({ kind: 'checkpoint_invalid', key: v.key, detail: (err as Error).message.slice(0, 300) });
    }
  }
  return out.sort((a, b) => a.body.size - b.body.size);
}

async function checkTile(
  store: ArchiveStore,
  tenant: string,
  index: number,
  hashes: Buffer[],
  stored: Set<number>,
  problem: (p: Problem) => void,
): Promise<void> {
  // the tile a crash left unwritten is written by the next append; only a stored one can disagree
  if (!stored.has(index)) return;
  const tile = await readTile(store, tenant, 0, index);
  if (tile && !Buffer.concat(tile).equals(Buffer.concat(hashes)))
    problem({ kind: 'log_altered', detail: `tile 0/${index} disagrees with the leaves it covers` });
}
