import { access, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IntegrityError, errorMessage } from '@custody/errors';
import { fsyncDir } from '@custody/durable-fs';
import { VersionMeta } from './version-file';

/**
 * The layout before version files: `objects/<key segments>/@versions/<versionId>.data` (the bytes)
 * and `<versionId>.json` (the metadata, written after the data: the version's commit point). A
 * data file without its metadata was never committed.
 */
const LEGACY_VERSIONS_DIR = '@versions';
const LEGACY_METADATA = /^[0-9a-f]{32}\.json$/;

/**
 * Moves every committed version of the legacy tree at `objectsDir` into the current layout with
 * `write` (same version id, same metadata and lock), then deletes the legacy tree. Migrating once
 * is simpler than reading two layouts forever. Crash-safe and idempotent: a legacy version's files
 * are deleted only after `write` made its version file durable, and `write` skips a version already
 * migrated, so a restart after a crash finishes the job. Metadata that cannot be read, or bytes that
 * do not match their SHA-256, stop it with an IntegrityError: nothing is dropped silently.
 */
export async function migrateLegacyLayout(objectsDir: string, write: (meta: VersionMeta, dataFile: string) => Promise<void>): Promise<number> {
  if (!(await exists(objectsDir))) return 0;
  let migrated = 0;
  for await (const versionsDir of legacyVersionDirs(objectsDir)) {
    for (const name of (await readdir(versionsDir)).filter((n) => LEGACY_METADATA.test(n)).sort()) {
      const metaFile = join(versionsDir, name);
      const dataFile = join(versionsDir, name.replace(/\.json$/, '.data'));
      await write(await legacyMeta(metaFile), dataFile);
      await unlink(metaFile);
      await unlink(dataFile);
      migrated++;
    }
  }
  // what is left are directories and uncommitted data files, invisible under the legacy rules too
  await rm(objectsDir, { recursive: true, force: true });
  await fsyncDir(dirname(objectsDir));
  return migrated;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );

async function* legacyVersionDirs(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name === LEGACY_VERSIONS_DIR) yield join(dir, e.name);
    else yield* legacyVersionDirs(join(dir, e.name));
  }
}

async function legacyMeta(file: string): Promise<VersionMeta> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
    throw new IntegrityError(`legacy archive metadata ${file} is not JSON (${errorMessage(err)}): its version cannot be migrated`);
  }
  const meta = VersionMeta.safeParse(parsed);
  if (!meta.success)
    throw new IntegrityError(
      `legacy archive metadata ${file} cannot be migrated: ${meta.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return meta.data;
}
