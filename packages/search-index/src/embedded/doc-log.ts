import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IndexDoc } from '../document';

export type DocOp = { op: 'put'; doc: IndexDoc } | { op: 'del'; id: string };

/**
 * The index's durable state: a JSON-lines log of upserts and deletes, replayed on open. Only
 * complete, parseable lines count; a torn or corrupt line and everything after it is cut off
 * (the index is a projection of the archive, rebuildable, so recovery prefers a clean prefix).
 */
export class DocLog {
  private constructor(
    private readonly file: string,
    private fh: FileHandle,
    /** Lines in the file, live or superseded: what compaction is measured against. */
    public lines: number,
  ) {}

  static async open(file: string, apply: (op: DocOp) => void): Promise<DocLog> {
    const fh = await open(file, 'a+', 0o600);
    const { size } = await fh.stat();
    let valid = 0;
    let lines = 0;
    let carry: Buffer = Buffer.alloc(0);
    replay: for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        const op = parseOp(buf.subarray(start, nl));
        if (!op) break replay;
        apply(op);
        lines++;
        valid += nl + 1 - start;
        start = nl + 1;
      }
      carry = buf.subarray(start);
    }
    if (valid < size) {
      await fh.truncate(valid);
      await fh.sync();
    }
    return new DocLog(file, fh, lines);
  }

  /** Resolves once the operations are on disk. */
  async append(ops: DocOp[]): Promise<void> {
    if (ops.length === 0) return;
    const { size } = await this.fh.stat();
    try {
      await this.fh.appendFile(ops.map((op) => `${JSON.stringify(op)}\n`).join(''));
      await this.fh.datasync();
    } catch (err) {
      // a half-written line must not precede the next append
      await this.fh.truncate(size).catch(() => undefined);
      throw err;
    }
    this.lines += ops.length;
  }

  /** Replaces the log with one upsert per live document. */
  async rewrite(docs: Iterable<IndexDoc>): Promise<void> {
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    const out = await open(tmp, 'w', 0o600);
    let lines = 0;
    try {
      let batch = '';
      for (const doc of docs) {
        batch += `${JSON.stringify({ op: 'put', doc })}\n`;
        lines++;
        if (batch.length > 1 << 20) {
          await out.writeFile(batch);
          batch = '';
        }
      }
      await out.writeFile(batch);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    await dir.sync().finally(() => dir.close());
    await this.fh.close();
    this.fh = await open(this.file, 'a+', 0o600);
    this.lines = lines;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
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
