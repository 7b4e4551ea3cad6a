import { checkpointKey, exportKey, type ArchiveStore } from '@custody/archive-store';
import { CustodyError, IntegrityError } from '@custody/errors';
import type { Export } from '@custody/policy';
import { LogReader, leafHashOf, type SequencedLeaf } from '@custody/record-log';
import type { SearchIndex } from '@custody/search-index';
import type { ProducedRecord } from './ledger';
import type { PackageWriter, StoredFile } from './package-writer';

export const PROOFS_CHECKPOINT_PATH = 'proofs/checkpoint.json';
export const PROOFS_RECORDS_PATH = 'proofs/records.jsonl';
export const PROOFS_KEYS_PATH = 'proofs/keys.json';
/** Which checkpoint the proofs lead to, fixed by the first attempt so a finish repeated after a crash writes the same bytes. */
const CHOSEN_CHECKPOINT_PATH = 'job/proofs-checkpoint.json';

export interface ProofDeps {
  store: ArchiveStore;
  index: SearchIndex;
  exp: Export;
  writer: PackageWriter;
  /** The public keys Custody publishes (informative in the package: a recipient gets the key from the producer). */
  keys: Array<{ keyId: string; algorithm: 'ed25519'; publicKey: string }>;
}

/**
 * The package's proofs (docs/verification.md §8): for every produced record its leaf in the
 * tenant's record log and the RFC 9162 inclusion path to one signed checkpoint, copied into the
 * package as stored. A recipient checks each record with the producer's public key alone. A record
 * not yet covered by a checkpoint makes the finish wait (a retriable error: checkpoints are signed
 * every few minutes); a leaf that names another version than the one produced fails the export.
 */
export async function writeProofs(deps: ProofDeps, records: ProducedRecord[]): Promise<StoredFile[]> {
  const { exp, writer } = deps;
  const reader = new LogReader(deps.store, exp.tenant);
  const leaves: SequencedLeaf[] = [];
  for (const r of records) {
    const doc = await deps.index.get(exp.tenant, r.id);
    if (doc?.logSequence === undefined) throw notYet(`record ${r.id} is not yet in the record log`);
    const leaf = await reader.leafAt(doc.logSequence);
    if (leaf.id !== r.id || leaf.key !== r.key || leaf.sha256 !== r.objectSha256 || (r.versionId !== undefined && leaf.versionId !== r.versionId))
      throw new IntegrityError(
        `record ${r.id}: its record log leaf ${leaf.sequence} names ${leaf.key} version ${leaf.versionId}, the package holds ${r.versionId}`,
      );
    leaves.push(leaf);
  }
  const needed = Math.max(0, ...leaves.map((l) => l.sequence + 1));
  const size = await chosenCheckpoint(deps, reader, needed);
  const checkpoint = await deps.store.get(checkpointKey(exp.tenant, size));
  const { file } = await writer.spool(async (out) => {
    for (const leaf of leaves) {
      const line = {
        recordId: leaf.id,
        leaf,
        leafHash: leafHashOf(leaf).toString('hex'),
        leafIndex: leaf.sequence,
        treeSize: size,
        path: await reader.inclusion(leaf.sequence, size),
      };
      if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end();
  });
  return [
    await writer.putFile(PROOFS_CHECKPOINT_PATH, checkpoint.body, 'application/json'),
    await writer.putFile(PROOFS_RECORDS_PATH, file, 'application/x-ndjson'),
    await writer.putFile(PROOFS_KEYS_PATH, Buffer.from(`${JSON.stringify({ keys: deps.keys }, null, 2)}\n`), 'application/json'),
  ];
}

async function chosenCheckpoint(deps: ProofDeps, reader: LogReader, needed: number): Promise<number> {
  const latest = await reader.latestCheckpoint();
  if (!latest || latest.size < needed) throw notYet(`the latest signed checkpoint covers ${latest?.size ?? 0} leaves, the package needs ${needed}`);
  await deps.writer.putJobObject(CHOSEN_CHECKPOINT_PATH, Buffer.from(JSON.stringify({ size: latest.size })), 'application/json', { keepExisting: true });
  const chosen = await deps.store.get(exportKey(deps.exp.tenant, deps.exp.id, CHOSEN_CHECKPOINT_PATH));
  return (JSON.parse(chosen.body.toString('utf8')) as { size: number }).size;
}

function notYet(message: string): CustodyError {
  return new CustodyError('not_checkpointed', `${message}; checkpoints are signed every few minutes, the export goes on once one covers it`, {
    retriable: true,
  });
}
