import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_FILE, fsyncDir } from '@custody/durable-fs';
import { copyRange } from './frames';

/**
 * Bytes a damaged stretch of a segment held. `torn`: the incomplete last frame of an append a
 * crash interrupted (never acknowledged, so never read by anyone). `corrupt`: complete frames that
 * fail their checksum; they may have been acknowledged and consumed. Either way the bytes are
 * copied to the partition's quarantine file before they leave the log.
 */
export interface DamagedRegion {
  kind: 'torn' | 'corrupt';
  /** The segment file, and the byte position in it where the damage starts, and its length. */
  segment: string;
  position: number;
  bytes: number;
  /** Frames the region seems to hold (frame starts found in it); 0 for a torn tail. */
  records: number;
  /** Offset of the first damaged record when it is still legible. */
  offset: number | null;
  /** Intact neighbours in the segment: the damaged records' offsets lie between them. */
  afterOffset: number | null;
  beforeOffset: number | null;
}

/** Appends each region's bytes with a description to `file` (`[u32 n][n bytes of JSON describing them][the bytes]` per region), durably. */
export async function quarantine(file: string, source: FileHandle, damaged: DamagedRegion[]): Promise<void> {
  const out = await open(file, 'a', PRIVATE_FILE);
  try {
    for (const d of damaged) {
      const hash = createHash('sha256');
      await copyRange(source, d.position, d.bytes, async (chunk) => void hash.update(chunk));
      const meta = Buffer.from(JSON.stringify({ ...d, foundAt: new Date().toISOString(), sha256: hash.digest('hex') }));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(meta.length, 0);
      await out.write(Buffer.concat([length, meta]));
      await copyRange(source, d.position, d.bytes, async (chunk) => void (await out.write(chunk)));
    }
    await out.sync();
  } finally {
    await out.close();
  }
  await fsyncDir(dirname(file));
}
