import { access, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IntegrityError } from '@custody/errors';
import { fsyncDir } from '@custody/durable-fs';
import { segmentFile } from './segment';

/**
 * Versions before segments kept a partition in one file beside where its directory now is:
 * `<dir>.log`, with `<dir>.log.start` (the log start offset retention left), `<dir>.log.next` (the
 * offset floor a corrupt tail left) and `<dir>.log.corrupt` (its quarantine file). Its frames are
 * the segments' frames, so the file simply becomes the partition's first segment, named by its start
 * offset. Only renames, each a commit point a crash may stop at and the next open carries on from.
 * Returns the floor the old version kept; the caller honours it, then calls forgetLegacyFloor.
 */
export async function adoptLegacyPartition(dir: string, quarantineFile: string): Promise<number> {
  const legacy = `${dir}.log`;
  let moved = false;
  // first the quarantine file, so that it never meets new damage: only this code writes the new one
  if ((await exists(`${legacy}.corrupt`)) && !(await exists(quarantineFile))) {
    await rename(`${legacy}.corrupt`, quarantineFile);
    moved = true;
  }
  if (await exists(legacy)) {
    const segment = segmentFile(dir, await readOffset(`${legacy}.start`, 'start'));
    if (await exists(segment))
      throw new IntegrityError(`${legacy}: a partition file of an older version beside ${segment}; remove one of them after investigating`);
    await rename(legacy, segment);
    moved = true;
  }
  if (moved) {
    await fsyncDir(dir);
    await fsyncDir(dirname(dir));
  }
  // the start offset is in the segment's name now
  await unlinkIfExists(`${legacy}.start`);
  return readOffset(`${legacy}.next`, 'next');
}

/** Once the partition's end is at or above the old floor, the floor file has served. */
export async function forgetLegacyFloor(dir: string): Promise<void> {
  if (await unlinkIfExists(`${dir}.log.next`)) await fsyncDir(dirname(dir));
}

/** `{"<field>": offset}` from `file`, 0 when there is none. */
async function readOffset(file: string, field: 'next' | 'start'): Promise<number> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (text === null) return 0;
  const offset = (JSON.parse(text) as Record<string, unknown>)[field];
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new IntegrityError(`${file}: not a valid offset`);
  return offset as number;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
}

async function unlinkIfExists(file: string): Promise<boolean> {
  return unlink(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
}
