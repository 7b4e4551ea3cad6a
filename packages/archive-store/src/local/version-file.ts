import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, pipeline, type Readable } from 'node:stream';
import { z } from 'zod';
import { IntegrityError } from '@custody/errors';
import { READ_ONLY_FILE, tempPathFor, writeChecked } from '@custody/durable-fs';

/**
 * One file per object version: a fixed header, the version's metadata as JSON, then the stored
 * bytes, so the record and what is said about it can never be separated or disagree.
 *
 *   0  8 bytes  magic `CSTDYVER`
 *   8  u32 BE   format version (1)
 *  12  u32 BE   metadata length in bytes
 *  16  32 bytes SHA-256 of bytes 0–15 and the metadata: a damaged header or metadata is detected
 *  48  metadata (UTF-8 JSON, VersionMeta)
 *   …  the object's bytes, whose SHA-256 and size are in the metadata and checked on every full read
 *
 * The lock written here is the one the version was stored with; later extensions and holds are in
 * the bucket's lock journal (lock-journal.ts), because the file never changes once written.
 */
export const VersionMeta = z
  .object({
    key: z.string(),
    versionId: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    contentType: z.string(),
    metadata: z.record(z.string(), z.string()),
    retainUntil: z.iso.datetime(),
    legalHold: z.boolean(),
    lastModified: z.iso.datetime(),
  })
  .strict();
export type VersionMeta = z.infer<typeof VersionMeta>;

const MAGIC = Buffer.from('CSTDYVER');
const FORMAT = 1;
const FIXED_BYTES = 48;
/** User metadata is small (S3 allows 2 KB); anything near this is a damaged length field. */
const MAX_META_BYTES = 1 << 20;
/** One read covers the header of nearly every version. */
const FIRST_READ_BYTES = 4096;

export function encodeHeader(meta: VersionMeta): Buffer {
  const json = Buffer.from(JSON.stringify(meta));
  const fixed = Buffer.alloc(FIXED_BYTES);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32BE(FORMAT, 8);
  fixed.writeUInt32BE(json.length, 12);
  createHash('sha256').update(fixed.subarray(0, 16)).update(json).digest().copy(fixed, 16);
  return Buffer.concat([fixed, json]);
}

export interface StoredVersion {
  meta: VersionMeta;
  /** Where the object's bytes start in the file. */
  bodyOffset: number;
}

/** Reads and verifies a version file's header; ENOENT passes through (the version does not exist). */
export async function readVersionHeader(path: string): Promise<StoredVersion> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const first = await readAt(fh, 0, Math.min(FIRST_READ_BYTES, fileSize));
    if (first.length < FIXED_BYTES || !first.subarray(0, 8).equals(MAGIC)) throw damaged(path, 'no version header');
    if (first.readUInt32BE(8) !== FORMAT) throw damaged(path, `unknown format version ${first.readUInt32BE(8)}`);
    const metaBytes = first.readUInt32BE(12);
    if (metaBytes > MAX_META_BYTES || FIXED_BYTES + metaBytes > fileSize) throw damaged(path, 'metadata length beyond the file');
    const json = FIXED_BYTES + metaBytes <= first.length ? first.subarray(FIXED_BYTES, FIXED_BYTES + metaBytes) : await readAt(fh, FIXED_BYTES, metaBytes);
    const digest = createHash('sha256').update(first.subarray(0, 16)).update(json).digest();
    if (!digest.equals(first.subarray(16, FIXED_BYTES))) throw damaged(path, 'header checksum mismatch');
    const meta = VersionMeta.safeParse(parseJson(json));
    if (!meta.success) throw damaged(path, `metadata: ${meta.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const bodyOffset = FIXED_BYTES + metaBytes;
    if (fileSize - bodyOffset !== meta.data.size) throw damaged(path, `holds ${fileSize - bodyOffset} bytes of content, its metadata says ${meta.data.size}`);
    return { meta: meta.data, bodyOffset };
  } finally {
    await fh.close();
  }
}

/** The whole body, checked against the SHA-256 it was stored with. */
export async function readVersionBody(path: string, version: StoredVersion): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const body = await readAt(fh, version.bodyOffset, version.meta.size);
    if (body.length !== version.meta.size || sha256Hex(body) !== version.meta.sha256) throw damaged(path, 'content does not match its SHA-256');
    return body;
  } finally {
    await fh.close();
  }
}

/** Bytes `start` to `end` inclusive of the body (a range read cannot check the whole content's hash). */
export async function readVersionRange(path: string, version: StoredVersion, start: number, end: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    return await readAt(fh, version.bodyOffset + start, end - start + 1);
  } finally {
    await fh.close();
  }
}

/** The body as a stream that fails with IntegrityError at its end when the content does not match its SHA-256. */
export function streamVersionBody(path: string, version: StoredVersion): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      done(hash.digest('hex') === version.meta.sha256 ? null : damaged(path, 'content does not match its SHA-256'));
    },
  });
  // pipeline destroys both on an error or when the reader stops early, so no descriptor is left open
  return pipeline(createReadStream(path, { start: version.bodyOffset }), check, () => undefined);
}

/**
 * Writes header and body to a temporary in `tmpDir`, read-only and fsynced, then renames it to
 * `file`; the caller makes the rename durable with an fsync of `file`'s directory. A body given as a
 * file is streamed and must hash to what the caller said (as S3 checks x-amz-checksum-sha256), or
 * nothing is written. The file is created read-only (its descriptor still writes), so no chmod.
 * Creating and renaming stay asynchronous: under a stream of fsyncs they wait for the file system's
 * journal, and made synchronously they stalled the event loop (measured: 16 % of it).
 */
export async function writeVersionFile(
  file: string,
  tmpDir: string,
  header: Buffer,
  body: Buffer | { path: string; size: number; sha256: string },
): Promise<void> {
  // named by the version id alone: the file's own name may already be as long as a name can be
  const tmp = tempPathFor(join(tmpDir, file.slice(file.lastIndexOf('@') + 1)), tmpDir);
  const fh = await open(tmp, 'wx', READ_ONLY_FILE);
  try {
    // a record is a few KB: header and body in one write
    if (Buffer.isBuffer(body)) {
      const { bytesWritten } = await fh.writev([header, body]);
      // a regular file takes it all or fails (disk full); a short write must never pass for a version
      if (bytesWritten !== header.length + body.length) throw new Error(`short write: ${bytesWritten} of ${header.length + body.length} bytes`);
    } else {
      await fh.write(header);
      await writeChecked(fh, body.path, body);
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
}

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await fh.read(buf, read, length - read, position + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return buf.subarray(0, read);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function damaged(path: string, why: string): IntegrityError {
  return new IntegrityError(`archive version file ${path} is damaged: ${why}`);
}
