import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ArchiveStore } from '@custody/archive-store';
import { IntegrityError, RejectedInputError } from '@custody/errors';
import type { Export } from '@custody/policy';
import { verifying } from '@custody/review';
import { MANIFEST_PATH } from './finish';
import { packageKey } from './package-writer';

export interface PackageFile {
  path: string;
  size: number;
  sha256: string;
  format: string;
}

/** Only paths Custody builds: safe characters, no empty, `.` or `..` segment. */
const SAFE_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9@+._-]+(?:\/[A-Za-z0-9@+._-]+)*$/;

export interface ManifestFiles {
  size: number;
  files: PackageFile[];
}

/**
 * The files of a finished package, from its manifest in WORM, the whole manifest re-hashed against
 * the hash the job recorded. Streamed line by line: the manifest lists every record (tens of MB for
 * a large production), and only its file list (one line per file, as finishPackage writes it) is
 * kept in memory.
 */
export async function readManifest(store: ArchiveStore, exp: Export): Promise<ManifestFiles> {
  if (exp.job.phase !== 'done' || !exp.result) throw new RejectedInputError('conflict', `export ${exp.id} is ${exp.job.phase}, not done`, 409);
  const { body, info } = await store.getStream(packageKey(exp.tenant, exp.id, MANIFEST_PATH));
  const hash = createHash('sha256');
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  const files: PackageFile[] = [];
  let section = '';
  for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
    const key = /^ {2}"(\w+)": \[/.exec(line);
    if (key) section = key[1];
    else if (section === 'files' && line.startsWith('    {')) files.push(JSON.parse(line.replace(/,$/, '')) as PackageFile);
    else if (line.startsWith('  ]')) section = '';
  }
  const actual = hash.digest('hex');
  if (actual !== exp.result.manifestSha256)
    throw new IntegrityError(`export ${exp.id}: manifest.json hashes to ${actual}, the export recorded ${exp.result.manifestSha256}`);
  for (const f of files) if (!SAFE_PATH.test(f.path)) throw new IntegrityError(`export ${exp.id}: manifest names an unsafe path ${JSON.stringify(f.path)}`);
  if (files.length + 1 !== exp.result.files)
    throw new IntegrityError(`export ${exp.id}: manifest lists ${files.length} files, the export recorded ${exp.result.files - 1}`);
  return { size: info.size, files };
}

/** A file of the package from WORM, re-hashed as it streams against the manifest. */
async function openFile(store: ArchiveStore, exp: Export, f: PackageFile): Promise<Readable> {
  const { body } = await store.getStream(packageKey(exp.tenant, exp.id, f.path));
  return verifying(body, f.sha256, `export ${exp.id}: ${f.path}`);
}

/** Text compresses; PDFs, attachments and the base64 of RSMF barely do, and deflating them costs CPU for nothing. */
const COMPRESSIBLE = new Set(['jsonl', 'eml', 'loadfile', 'raw']);
/** Fixed entry times: the same package always zips to the same bytes. */
const MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * The package as one zip, streamed: manifest.json first, then every file it lists, each read from
 * WORM only when the zip reaches it and re-hashed as it streams. A file that does not match its
 * manifest hash fails the stream, so a download is never a complete zip of altered content.
 */
export function packageZip(store: ArchiveStore, exp: Export, manifest: ManifestFiles): Readable {
  const zip = new yazl.ZipFile();
  const manifestFile = { path: MANIFEST_PATH, size: manifest.size, sha256: exp.result!.manifestSha256, format: 'manifest' };
  zip.addReadStreamLazy(MANIFEST_PATH, { mtime: MTIME, compress: true, size: manifest.size }, (cb) => {
    openFile(store, exp, manifestFile).then(
      (stream) => cb(null, stream),
      (err: Error) => cb(err, undefined as unknown as Readable),
    );
  });
  for (const f of manifest.files) {
    zip.addReadStreamLazy(f.path, { mtime: MTIME, compress: COMPRESSIBLE.has(f.format), size: f.size }, (cb) => {
      openFile(store, exp, f).then(
        (stream) => cb(null, stream),
        (err: Error) => cb(err, undefined as unknown as Readable),
      );
    });
  }
  zip.end();
  const out = zip.outputStream as Readable;
  zip.on('error', (err: Error) => out.destroy(err));
  return out;
}

/** The package into a directory (the CLI's download), every file re-hashed as it is written. */
export async function writePackage(
  store: ArchiveStore,
  exp: Export,
  dir: string,
  onFile?: (done: number, total: number) => void,
): Promise<{ files: number; bytes: number }> {
  const manifest = await readManifest(store, exp);
  await mkdir(dir, { recursive: true });
  await pipeline(
    await openFile(store, exp, { path: MANIFEST_PATH, size: manifest.size, sha256: exp.result!.manifestSha256, format: 'manifest' }),
    createWriteStream(join(dir, MANIFEST_PATH), { flags: 'wx' }),
  );
  let bytes = manifest.size;
  for (const [i, f] of manifest.files.entries()) {
    const target = join(dir, f.path);
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await openFile(store, exp, f), createWriteStream(target, { flags: 'wx' }));
    bytes += f.size;
    onFile?.(i + 1, manifest.files.length);
  }
  return { files: manifest.files.length + 1, bytes };
}
