/**
 * What an attacker with root on an embedded node can do to its archive directory, done the way the
 * attacker would: version files rewritten with every checksum they carry recomputed, versions
 * added beside the original, files deleted. The verification tests prove Custody notices each.
 */
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAGIC = 'CSTDYVER';
const FIXED = 48;

interface VersionFile {
  path: string;
  meta: Record<string, any>;
  body: Buffer;
}

/** The version files of `key` (its last segment, encoded as the store names files), oldest first. */
export function versionFiles(archiveDir: string, key: string): string[] {
  const name = `${encodeURIComponent(key.slice(key.lastIndexOf('/') + 1))}@`;
  return readdirSync(archiveDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith(name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => readVersion(p).meta.key === key)
    .sort();
}

export function readVersion(path: string): VersionFile {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8).toString() !== MAGIC) throw new Error(`${path} is not a version file`);
  const metaBytes = bytes.readUInt32BE(12);
  return { path, meta: JSON.parse(bytes.subarray(FIXED, FIXED + metaBytes).toString('utf8')), body: bytes.subarray(FIXED + metaBytes) };
}

/** Writes a version file with its size, SHA-256 and header checksum all made to fit the new content. */
export function writeVersion(path: string, meta: Record<string, any>, body: Buffer): void {
  const m = { ...meta, size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  const json = Buffer.from(JSON.stringify(m));
  const fixed = Buffer.alloc(FIXED);
  fixed.write(MAGIC, 0);
  fixed.writeUInt32BE(1, 8);
  fixed.writeUInt32BE(json.length, 12);
  createHash('sha256').update(fixed.subarray(0, 16)).update(json).digest().copy(fixed, 16);
  try {
    chmodSync(path, 0o600);
  } catch {
    // a new file
  }
  writeFileSync(path, Buffer.concat([fixed, json, body]));
  chmodSync(path, 0o400);
}

/** Rewrites the only version of `key` in place: new bytes, every hash recomputed. */
export function rewriteInPlace(archiveDir: string, key: string, change: (body: Buffer) => Buffer): void {
  const [file] = versionFiles(archiveDir, key);
  const v = readVersion(file);
  writeVersion(file, v.meta, change(v.body));
}

/** Adds a newer version of `key` beside the original (a version id that sorts after it), with the bytes given. */
export function addNewerVersion(archiveDir: string, key: string, change: (body: Buffer) => Buffer): string {
  const [file] = versionFiles(archiveDir, key);
  const v = readVersion(file);
  const versionId = `${(Date.now() + 1000).toString(16).padStart(12, '0')}${'f'.repeat(20)}`;
  const path = `${file.slice(0, file.lastIndexOf('@'))}@${versionId}`;
  writeVersion(path, { ...v.meta, versionId, lastModified: new Date().toISOString() }, change(v.body));
  return versionId;
}

export function deleteVersionFile(archiveDir: string, key: string): void {
  for (const file of versionFiles(archiveDir, key)) unlinkSync(file);
}

/** Moves a version's retain-until back (in its metadata, checksums recomputed), as if it had been written so. */
export function setRetainUntil(archiveDir: string, key: string, retainUntil: string): void {
  const [file] = versionFiles(archiveDir, key);
  const v = readVersion(file);
  writeVersion(file, { ...v.meta, retainUntil }, v.body);
}
