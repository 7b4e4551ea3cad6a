import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { IntegrityError } from '@custody/errors';
import { basename, dirname, join } from 'node:path';

/** Temporary names this package writes: `<file>.<8 hex>.tmp`, renamed over `<file>` once complete. */
const TEMP = /\.[0-9a-f]{8}\.tmp$/;

/**
 * A fresh temporary path in the shape removeStaleTemps recognizes: beside `file`, or in `tmpDir`
 * when the owner keeps its temporaries in one directory (it must be on the same file system as
 * `file`, so the final rename stays atomic).
 */
export function tempPathFor(file: string, tmpDir?: string): string {
  return `${tmpDir === undefined ? file : join(tmpDir, basename(file))}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Deletes the temporaries a crash (kill -9, power loss) left in `dir` before their rename: they
 * were never the file itself, so nothing readers rely on is lost. Only for directories whose owner
 * has no write in flight (call it when opening). Returns the names removed.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const stale = names.filter((n) => TEMP.test(n));
  for (const name of stale) await unlink(join(dir, name)).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  if (stale.length > 0) await fsyncDir(dir);
  return stale;
}

/**
 * Modes of everything under a data directory: records, logs and connector settings are nobody
 * else's business on the host, so directories are 0700 and files 0600 (WORM copies 0400).
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;
export const READ_ONLY_FILE = 0o400;

/** A rename or a new entry is only durable once its directory is. */
export async function fsyncDir(dir: string): Promise<void> {
  // opening and closing a directory is quick: only the fsync, which waits on the disk, leaves the event loop
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

const fsyncFd = promisify(fsync);

/** mkdir -p (0700) that also makes every directory it created survive a crash. */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === first) return;
  }
}

/** Readers see the old file or the complete new one, never a mix, even across a crash. */
export async function writeFileAtomic(file: string, data: string | Buffer, mode: number, tmpDir?: string): Promise<void> {
  const tmp = tempPathFor(file, tmpDir);
  const fh = await open(tmp, 'wx', PRIVATE_FILE);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(dirname(file));
}

/** Appends the file at `src` to `fh`, proving on the way that it is `expect` (IntegrityError otherwise). */
export async function writeChecked(fh: FileHandle, src: string, expect: { size: number; sha256: string }): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(src)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    await fh.write(chunk as Buffer);
  }
  const actual = hash.digest('hex');
  if (size !== expect.size || actual !== expect.sha256) {
    throw new IntegrityError(`${src}: expected ${expect.size} bytes with SHA-256 ${expect.sha256}, read ${size} bytes with ${actual}`);
  }
}

/**
 * Streams `src` into `file` atomically and proves the copy is what the caller hashed: as S3 does
 * with x-amz-checksum-sha256, a mismatch (file changed under us) writes nothing.
 */
export async function copyFileAtomic(src: string, file: string, mode: number, expect: { size: number; sha256: string }, tmpDir?: string): Promise<void> {
  const tmp = tempPathFor(file, tmpDir);
  const fh = await open(tmp, 'wx', PRIVATE_FILE);
  try {
    await writeChecked(fh, src, expect);
    await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
  await fsyncDir(dirname(file));
}
