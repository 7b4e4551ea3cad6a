import { createHash, randomUUID } from 'node:crypto';
import { sha256Hex } from '@custody/envelope';
import { CustodyError, IntegrityError } from '@custody/errors';
import type { SearchIndex } from '@custody/search-index';
import type { Lookback } from '@custody/supervision';
import { z } from 'zod';
import type { DirectoryView } from './directory-view';
import type { LookbackStore } from './lookback-store';

/** One record of a lookback's corpus: its id, the SHA-256 of its stored bytes, its employees' groups when the corpus was fixed. */
export interface CorpusEntry {
  id: string;
  sha256: string;
  groups: string[];
}

const CorpusManifest = z
  .object({
    format: z.literal('custody.lookback-corpus/v1'),
    records: z.number().int().nonnegative(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 of the chunks’ bytes in order: the corpus as one JSONL text'),
    chunks: z.array(z.object({ path: z.string(), records: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()),
  })
  .strict();
export type CorpusManifest = z.infer<typeof CorpusManifest>;

const MANIFEST = 'corpus.json';
const SEARCH_PAGE = 500;

/** The corpus a job fixed, or undefined before it has one. */
export async function readCorpusManifest(files: LookbackStore): Promise<CorpusManifest | undefined> {
  const bytes = await files.read(MANIFEST);
  return bytes && CorpusManifest.parse(JSON.parse(bytes.toString('utf8')));
}

/**
 * Fixes a lookback's corpus: every record sent in its range, in the index's thread order (sent
 * time, then id: the same order wherever it is listed), written in chunks of `chunkSize` so memory
 * is bounded by a chunk, never by the range. The chunks of one attempt sit under their own
 * directory and `corpus.json`, written last and once, is what makes them the corpus: an attempt a
 * crash interrupted leaves chunks nothing names, and the next one lists afresh. A count that moved
 * while listing (records archived into the range) is retried.
 */
export async function planCorpus(
  deps: { index: SearchIndex; directory: DirectoryView },
  lb: Lookback,
  files: LookbackStore,
  chunkSize: number,
): Promise<CorpusManifest> {
  await deps.index.refresh();
  const attempt = randomUUID();
  const whole = createHash('sha256');
  const chunks: CorpusManifest['chunks'] = [];
  let pending: CorpusEntry[] = [];
  let listed = 0;
  const flush = async () => {
    const body = Buffer.from(pending.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const path = `corpus/${attempt}/${String(chunks.length).padStart(6, '0')}.jsonl`;
    chunks.push({ path, records: pending.length, sha256: await files.write(path, body) });
    whole.update(body);
    pending = [];
  };
  let cursor: string | undefined;
  let total: number | undefined;
  do {
    const page = await deps.index.search(lb.tenant, { from: lb.from, to: lb.to, size: SEARCH_PAGE, sort: 'oldest', cursor });
    total ??= page.total;
    for (const d of page.hits) {
      pending.push({ id: d.id, sha256: d.archive.sha256, groups: [...new Set(d.employeeIds.flatMap((e) => deps.directory.groupsOf(lb.tenant, e)))].sort() });
      listed++;
      if (pending.length === chunkSize) await flush();
    }
    cursor = page.cursor;
  } while (cursor);
  if (pending.length > 0) await flush();
  if (total !== listed)
    throw new CustodyError('scope_count_mismatch', `the range matches ${total} records but ${listed} were listed; planning again`, { retriable: true });
  const manifest: CorpusManifest = { format: 'custody.lookback-corpus/v1', records: listed, sha256: whole.digest('hex'), chunks };
  await files.write(MANIFEST, Buffer.from(JSON.stringify(manifest)));
  return manifest;
}

/** The corpus chunk by chunk, each re-hashed against the manifest. */
export async function* corpusChunks(files: LookbackStore, manifest: CorpusManifest): AsyncGenerator<CorpusEntry[]> {
  for (const chunk of manifest.chunks) {
    const bytes = await files.read(chunk.path);
    if (!bytes || sha256Hex(bytes) !== chunk.sha256) throw new IntegrityError(`lookback corpus ${chunk.path} is missing or no longer hashes as planned`);
    yield bytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CorpusEntry);
  }
}
