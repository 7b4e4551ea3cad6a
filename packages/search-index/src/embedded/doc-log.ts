import { createReadStream } from 'node:fs';
import type { IndexDoc } from '../document';

export type DocOp = { op: 'put'; doc: IndexDoc } | { op: 'del'; id: string };

/** The file earlier versions kept the whole index in (and replayed into memory at start). */
export const DOC_LOG_FILE = 'docs.jsonl';

/**
 * Reads that JSON-lines log of upserts and deletes in order, `batchSize` operations at a time, for
 * the one-time import into the database. As the old reader did, only complete, parseable lines count:
 * a torn or corrupt line and everything after it is ignored (that version cut them off on open).
 */
export async function* readDocLog(file: string, batchSize: number): AsyncGenerator<DocOp[]> {
  let batch: DocOp[] = [];
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const op = parseOp(buf.subarray(start, nl));
      if (!op) {
        if (batch.length > 0) yield batch;
        return;
      }
      batch.push(op);
      start = nl + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    carry = buf.subarray(start);
  }
  if (batch.length > 0) yield batch;
}

function parseOp(line: Buffer): DocOp | null {
  try {
    const op = JSON.parse(line.toString('utf8'));
    if (op?.op === 'put' && typeof op.doc?.id === 'string') return op;
    if (op?.op === 'del' && typeof op.id === 'string') return op;
  } catch {
    /* corrupt */
  }
  return null;
}
