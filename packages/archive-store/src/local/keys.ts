import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';

/**
 * How keys map to paths below the versions directory. A key keeps its `/` structure (so listing a
 * prefix such as `tenants/acme/audit/2024-05-01/` reads one directory, never the whole store), but
 * every entry of a directory, file or subdirectory, sits in one of 16 buckets named by the first
 * hex digit of a SHA-256 of its name: `tenants/acme/records/ab/<id>.json` is
 * `<b>/tenants/<b>/acme/<b>/records/<b>/ab/<b>/<id>.json@<versionId>`. With the 256 shards layout.ts
 * already puts in record, blob and raw keys, a bucket holds about 2,400 records at 10 M records of
 * one tenant (plus as many attachment-manifest directories at most), and a directory at most 16
 * buckets. 16 rather than 256: a bucket is a directory (an inode and a 4 KB block), and with 256 a
 * store of 100 k records would still pay close to one per record.
 *
 * Names are encodeURIComponent of the key segment, which always escapes `@`: a name with `@` is a
 * version file (`<name>@<versionId>`), one without is a subdirectory, and the bucket's lock journal
 * `@locks` is neither.
 */
export const LOCK_JOURNAL = '@locks';

const MAX_KEY_BYTES = 1024;
const MAX_NAME_BYTES = 255;
const VERSION_ID = /^[0-9a-f]{32}$/;
/** `@` + a version id: what a version file adds to its key's last segment. */
const VERSION_SUFFIX_BYTES = 33;
const VERSION_FILE = /^([^@]+)@([0-9a-f]{32})$/;

export const isVersionId = (id: string) => VERSION_ID.test(id);

/** The bucket an entry named `name` (encoded) lives in below its directory. */
export function bucketOf(name: string): string {
  let bucket = buckets.get(name);
  if (bucket === undefined) {
    bucket = createHash('sha256').update(name).digest('hex').slice(0, 1);
    // directory names repeat on every put (tenants, a tenant, records, a shard): remember them, boundedly
    if (buckets.size >= BUCKETS_REMEMBERED) buckets.clear();
    buckets.set(name, bucket);
  }
  return bucket;
}

const buckets = new Map<string, string>();
const BUCKETS_REMEMBERED = 4096;

/** Relative path components of the directory holding the keys that start with `segments.join('/') + '/'`. */
export function directoryPath(segments: readonly string[]): string[] {
  return segments.flatMap((segment) => {
    const name = encodeURIComponent(segment);
    return [bucketOf(name), name];
  });
}

/**
 * Where the versions of `key` live: the bucket directory (relative path components) and the encoded
 * last segment their file names start with. Keys with empty, `.` or `..` segments are refused
 * because a directory cannot represent them faithfully, and absolute keys or `..` would escape the
 * store.
 */
export function locate(key: string): { bucket: string[]; name: string } {
  if (key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) throw invalid(key, `must be 1 to ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) throw invalid(key, 'must be relative, not absolute');
  if (key.includes('\0')) throw invalid(key, 'must not contain NUL');
  const segments = key.split('/');
  if (segments.some(unrepresentable)) throw invalid(key, 'must not contain empty, "." or ".." segments');
  const names = segments.map((s) => encodeURIComponent(s));
  if (names.some((n) => n.length > MAX_NAME_BYTES)) throw invalid(key, `has a segment longer than the file system allows (${MAX_NAME_BYTES} bytes encoded)`);
  const name = names[names.length - 1];
  if (name.length + VERSION_SUFFIX_BYTES > MAX_NAME_BYTES) {
    throw invalid(key, `has a last segment longer than ${MAX_NAME_BYTES - VERSION_SUFFIX_BYTES} bytes encoded (its version files need the rest)`);
  }
  return { bucket: [...directoryPath(segments.slice(0, -1)), bucketOf(name)], name };
}

/** Whether some key can have `segment` before its last segment (a directory of the store). */
export function isDirectorySegment(segment: string): boolean {
  return !unrepresentable(segment) && encodeURIComponent(segment).length <= MAX_NAME_BYTES;
}

const unrepresentable = (segment: string) => segment === '' || segment === '.' || segment === '..';

export function versionFileName(name: string, versionId: string): string {
  return `${name}@${versionId}`;
}

/** The encoded name and version id a version file stands for, or null for any other file. */
export function parseVersionFileName(file: string): { name: string; versionId: string } | null {
  const m = VERSION_FILE.exec(file);
  return m && segmentOf(m[1]) !== null ? { name: m[1], versionId: m[2] } : null;
}

/** The key segment an encoded name stands for, or null for names this store did not create. */
export function segmentOf(name: string): string | null {
  try {
    const segment = decodeURIComponent(name);
    return encodeURIComponent(segment) === name ? segment : null;
  } catch {
    return null;
  }
}

function invalid(key: string, why: string): RejectedInputError {
  return new RejectedInputError('invalid_key', `archive key ${JSON.stringify(key.slice(0, 200))} ${why}`);
}
