/**
 * A streaming JSON scanner that hands out the exact bytes of selected values (each message of a
 * Telegram export) without parsing the whole document: memory stays bounded by the largest
 * selected value, and each record's evidence is the export's own bytes.
 */

export type JsonPath = ReadonlyArray<string | number>;
/** descend: walk into the object/array; capture: hand out its bytes; skip: pass over it. */
export type Want = 'descend' | 'capture' | 'skip';

export interface Slice {
  path: JsonPath;
  /** Byte offset of the value's first byte in the document. */
  offset: number;
  bytes: Buffer;
}

export class JsonStreamError extends Error {
  constructor(
    readonly code: 'malformed_json' | 'truncated_json',
    message: string,
    readonly offset: number,
    /** The bytes of the value being captured when the document broke off, or the bytes at the error. */
    readonly partial: Buffer,
  ) {
    super(message);
  }
}

type Expect = 'key-or-end' | 'key' | 'colon' | 'value' | 'value-or-end' | 'comma-or-end';

interface Frame {
  kind: 'object' | 'array';
  path: JsonPath;
  expect: Expect;
  key?: string;
  index: number;
}

/** A value scanned without interpretation: only strings and nesting depth are tracked. */
interface RawValue {
  path: JsonPath;
  start: number;
  capture: boolean;
  chunks: Buffer[];
  /** Where the value's bytes begin in the current chunk (0 after the first chunk). */
  from: number;
  kind: 'container' | 'string' | 'literal' | 'key';
  depth: number;
  inString: boolean;
  escape: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDelimiter = (c: number) => isSpace(c) || c === 0x2c || c === 0x7d || c === 0x5d;
const isLiteralStart = (c: number) => c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;

export class JsonSlicer {
  private readonly stack: Frame[] = [];
  private raw?: RawValue;
  private offset = 0;
  private started = false;
  private done = false;
  private failure?: JsonStreamError;

  constructor(private readonly want: (path: JsonPath) => Want) {}

  /** The values completed in this chunk. An error surfaces on the next call, after the values before it. */
  feed(chunk: Buffer): Slice[] {
    if (this.failure) throw this.failure;
    const out: Slice[] = [];
    let i = 0;
    try {
      while (i < chunk.length) {
        if (this.raw) i = this.scanRaw(chunk, i, out);
        else if (isSpace(chunk[i])) i++;
        else i = this.structural(chunk, i);
      }
    } catch (err) {
      if (!(err instanceof JsonStreamError)) throw err;
      this.failure = err;
      return out;
    }
    if (this.raw) {
      if (this.raw.capture || this.raw.kind === 'key') this.raw.chunks.push(Buffer.from(chunk.subarray(this.raw.from)));
      this.raw.from = 0;
    }
    this.offset += chunk.length;
    return out;
  }

  /** Call at end of input: a document that stops early throws, with the bytes of the value it broke in. */
  end(): Slice[] {
    if (this.failure) throw this.failure;
    const out: Slice[] = [];
    // a bare number as the whole document ends at end of input
    if (this.raw?.kind === 'literal' && this.stack.length === 0) this.finish(Buffer.alloc(0), 0, out);
    if (!this.started) throw new JsonStreamError('truncated_json', 'the document is empty', 0, Buffer.alloc(0));
    if (this.raw || !this.done) {
      const partial = this.raw?.capture ? Buffer.concat(this.raw.chunks) : Buffer.alloc(0);
      const at = this.raw?.start ?? this.offset;
      throw new JsonStreamError(
        'truncated_json',
        `the document ends at byte ${this.offset} inside ${describe(this.raw?.path ?? this.stack.at(-1)?.path ?? [])}`,
        at,
        partial,
      );
    }
    return out;
  }

  private structural(chunk: Buffer, i: number): number {
    const c = chunk[i];
    const top = this.stack.at(-1);
    if (!top) {
      if (this.done) throw this.syntax(chunk, i, 'data after the end of the document');
      this.started = true;
      return this.startValue(chunk, i, []);
    }
    switch (top.expect) {
      case 'key-or-end':
      case 'key':
        if (c === 0x7d && top.expect === 'key-or-end') return this.close(i);
        if (c !== QUOTE) throw this.syntax(chunk, i, 'expected a quoted key');
        this.raw = { path: top.path, start: this.offset + i, capture: false, chunks: [], from: i, kind: 'key', depth: 0, inString: true, escape: false };
        return i + 1;
      case 'colon':
        if (c !== 0x3a) throw this.syntax(chunk, i, 'expected ":"');
        top.expect = 'value';
        return i + 1;
      case 'value-or-end':
      case 'value':
        if (c === 0x5d && top.expect === 'value-or-end') return this.close(i);
        return this.startValue(chunk, i, top.kind === 'object' ? [...top.path, top.key!] : [...top.path, top.index]);
      case 'comma-or-end':
        if (c === 0x2c) {
          if (top.kind === 'array') top.index++;
          top.expect = top.kind === 'array' ? 'value' : 'key';
          return i + 1;
        }
        if (c === (top.kind === 'object' ? 0x7d : 0x5d)) return this.close(i);
        throw this.syntax(chunk, i, `expected "," or "${top.kind === 'object' ? '}' : ']'}"`);
    }
  }

  private startValue(chunk: Buffer, i: number, path: JsonPath): number {
    const c = chunk[i];
    const container = c === 0x7b || c === 0x5b;
    if (!container && c !== QUOTE && !isLiteralStart(c)) throw this.syntax(chunk, i, 'expected a value');
    const want = this.want(path);
    if (container && want === 'descend') {
      this.stack.push({ kind: c === 0x7b ? 'object' : 'array', path, expect: c === 0x7b ? 'key-or-end' : 'value-or-end', index: 0 });
      return i + 1;
    }
    const kind = container ? 'container' : c === QUOTE ? 'string' : 'literal';
    this.raw = { path, start: this.offset + i, capture: want === 'capture', chunks: [], from: i, kind, depth: 1, inString: kind === 'string', escape: false };
    return kind === 'literal' ? i : i + 1;
  }

  private scanRaw(chunk: Buffer, i: number, out: Slice[]): number {
    const r = this.raw!;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (r.inString) {
        if (r.escape) r.escape = false;
        else if (c === BACKSLASH) r.escape = true;
        else if (c === QUOTE) {
          r.inString = false;
          if (r.kind === 'string' || r.kind === 'key') return this.finish(chunk, i + 1, out);
        }
      } else if (r.kind === 'literal') {
        if (isDelimiter(c)) return this.finish(chunk, i, out);
      } else if (c === QUOTE) r.inString = true;
      else if (c === 0x7b || c === 0x5b) r.depth++;
      else if ((c === 0x7d || c === 0x5d) && --r.depth === 0) return this.finish(chunk, i + 1, out);
    }
    return i;
  }

  private finish(chunk: Buffer, end: number, out: Slice[]): number {
    const r = this.raw!;
    this.raw = undefined;
    const top = this.stack.at(-1);
    if (r.kind === 'key') {
      const bytes = Buffer.concat([...r.chunks, chunk.subarray(r.from, end)]);
      try {
        top!.key = JSON.parse(bytes.toString('utf8')) as string;
      } catch {
        throw new JsonStreamError('malformed_json', `malformed key at byte ${r.start}`, r.start, bytes.subarray(0, 1024));
      }
      top!.expect = 'colon';
      return end;
    }
    if (r.capture) out.push({ path: r.path, offset: r.start, bytes: Buffer.concat([...r.chunks, chunk.subarray(r.from, end)]) });
    this.valueDone();
    return end;
  }

  private close(i: number): number {
    this.stack.pop();
    this.valueDone();
    return i + 1;
  }

  private valueDone(): void {
    const top = this.stack.at(-1);
    if (top) top.expect = 'comma-or-end';
    else this.done = true;
  }

  private syntax(chunk: Buffer, i: number, what: string): JsonStreamError {
    const path = describe(this.stack.at(-1)?.path ?? []);
    return new JsonStreamError(
      'malformed_json',
      `malformed JSON at byte ${this.offset + i} in ${path}: ${what}`,
      this.offset + i,
      Buffer.from(chunk.subarray(i, i + 1024)),
    );
  }
}

export function describe(path: JsonPath): string {
  return path.length ? path.join('.') : '(root)';
}
