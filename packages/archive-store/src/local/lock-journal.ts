import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { IntegrityError } from '@custody/errors';
import { PRIVATE_FILE } from '@custody/durable-fs';

/**
 * Retention extensions and legal hold changes of the versions in one bucket, append-only: one line
 * per change, `<SHA-256 of the JSON> <JSON>\n`, fsynced before the change is acknowledged.
 *
 * Why a journal and not a rewrite of the version file: the file holds the object's bytes (up to
 * 5 GB for an attachment), which must never be rewritten to flip a flag, and a per-version lock
 * file would cost an inode per held record (a hold on a custodian can cover millions). The
 * effective lock is a function of the version file and these lines only — retention is the latest
 * of all retain-until instants, so no line can shorten it; the hold is the last one set — so the two
 * cannot disagree, and a line naming a deleted version is inert (version ids are never reused).
 *
 * Appends to one journal are serialized and each is fsynced before the next, so only the last line
 * can be torn by a crash: it was never acknowledged, and it is ignored, then cut off before the next
 * append. A damaged line anywhere else is damage to acknowledged state: IntegrityError, never a
 * silent loss of a hold.
 */
export const LockChange = z
  .object({
    key: z.string(),
    versionId: z.string(),
    retainUntil: z.iso.datetime().optional(),
    legalHold: z.boolean().optional(),
    at: z.iso.datetime(),
  })
  .strict();
export type LockChange = z.infer<typeof LockChange>;

export interface Lock {
  retainUntil: string;
  legalHold: boolean;
}

interface Parsed {
  changes: LockChange[];
  /** Byte length of the intact lines: anything after it is a torn append. */
  intactBytes: number;
}

/** The journal's intact changes, oldest first; a missing journal has none. */
export async function readLockChanges(file: string): Promise<LockChange[]> {
  return (await readJournal(file)).changes;
}

/** The lock a version has now: the one it was stored with, then every change to it in order. */
export function currentLock(stored: Lock & { key: string; versionId: string }, changes: readonly LockChange[], file: string): Lock {
  let { retainUntil, legalHold } = stored;
  for (const c of changes) {
    if (c.versionId !== stored.versionId) continue;
    if (c.key !== stored.key) throw new IntegrityError(`lock journal ${file} names version ${c.versionId} for ${c.key}, but it belongs to ${stored.key}`);
    if (c.retainUntil !== undefined && Date.parse(c.retainUntil) > Date.parse(retainUntil)) retainUntil = c.retainUntil;
    if (c.legalHold !== undefined) legalHold = c.legalHold;
  }
  return { retainUntil, legalHold };
}

/**
 * Appends one change and fsyncs it; the caller serializes appends to one journal and fsyncs the
 * directory when `created` is true (a new file's entry is only durable once its directory is).
 */
export async function appendLockChange(file: string, change: LockChange): Promise<{ created: boolean }> {
  const { intactBytes, size } = await readJournal(file);
  const json = JSON.stringify(change);
  const fh = await open(file, 'a', PRIVATE_FILE);
  try {
    if (size > intactBytes) await fh.truncate(intactBytes);
    await fh.write(`${digest(json)} ${json}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { created: size === 0 };
}

async function readJournal(file: string): Promise<Parsed & { size: number }> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? Buffer.alloc(0) : Promise.reject(err)));
  const changes: LockChange[] = [];
  let intactBytes = 0;
  while (intactBytes < bytes.length) {
    const end = bytes.indexOf(0x0a, intactBytes);
    const line = end < 0 ? null : parseLine(bytes.subarray(intactBytes, end).toString('utf8'));
    if (line === null) {
      const last = end < 0 || end === bytes.length - 1;
      if (last) break; // a torn append: never acknowledged
      throw new IntegrityError(`lock journal ${file} is damaged at byte ${intactBytes}: retention and hold state there cannot be trusted`);
    }
    changes.push(line);
    intactBytes = end + 1;
  }
  return { changes, intactBytes, size: bytes.length };
}

function parseLine(line: string): LockChange | null {
  const space = line.indexOf(' ');
  if (space < 0) return null;
  const json = line.slice(space + 1);
  if (digest(json) !== line.slice(0, space)) return null;
  try {
    const parsed = LockChange.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const digest = (json: string) => createHash('sha256').update(json).digest('hex');
