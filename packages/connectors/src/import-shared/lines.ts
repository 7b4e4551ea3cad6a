import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number: what an item's `lines` and the import's line accounting count. */
  number: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** The line's bytes including its terminator (LF or CRLF), exactly as in the file. */
  bytes: Buffer;
}

/**
 * Streams a file as lines of undecoded bytes: offsets stay exact for resumable positions, and each
 * record's evidence is the file's own bytes rather than a re-encoding of decoded text.
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let offset = 0;
  let number = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const bytes = Buffer.concat([...carry, chunk.subarray(start, nl + 1)]);
      carry = [];
      yield { number: ++number, offset, bytes };
      offset += bytes.length;
      start = nl + 1;
    }
    // copy: the remainder must not pin the whole read chunk in memory
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length) yield { number: ++number, offset, bytes: Buffer.concat(carry) };
}

/** How many lines readLines yields for the file: its line breaks, plus a last line without one. */
export async function countLines(path: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}

/** The line's text without its LF / CRLF terminator. */
export function lineText(bytes: Buffer, decoder: { decode(input: Uint8Array): string }): string {
  return decoder.decode(bytes).replace(/\r?\n$/, '');
}
