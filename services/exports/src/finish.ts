import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { exportKey, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError } from '@custody/errors';
import type { Export } from '@custody/policy';
import type { ProducedRecord, UnitLedger } from './ledger';
import { writeProofs, type ProofDeps } from './proofs';
import { DAT_BOM, LOAD_FILE_COLUMNS, csvDocumentRow, csvRow, datDocumentRow, datRow } from './loadfile';
import type { PackageWriter, SpooledFile, StoredFile } from './package-writer';
import { unitLedgerPath } from './paths';
import type { PlannedRecord, Unit } from './plan';

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_SCHEMA = 'custody.export-manifest/v1';

export interface FinishContext {
  store: ArchiveStore;
  exp: Export;
  writer: PackageWriter;
  custodyVersion: string;
  plan: PlannedRecord[];
  units: Unit[];
  /** Where the records' proofs come from (the index points into the record log) and the keys to publish with them. */
  proofs: Pick<ProofDeps, 'index' | 'keys'>;
}

export interface PackageSummary {
  manifest: StoredFile;
  files: number;
  bytes: number;
  records: number;
  documents: number;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'close');
}

async function spooled(path: string): Promise<SpooledFile> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { path, size: (await stat(path)).size, sha256: hash.digest('hex') };
}

async function copy(path: string, out: Writable): Promise<void> {
  for await (const chunk of createReadStream(path)) await write(out, (chunk as Buffer).toString('utf8'));
}

/**
 * Completes the package from the units' ledgers, read back from WORM in order: the load files, then
 * manifest.json (scope, requester, every file with its size and SHA-256, every record with its
 * archive key, version and envelope hash). The records produced must be exactly the planned ones,
 * or the export fails naming those that differ. Everything is derived from the plan and the ledgers,
 * never from a clock, so finishing again after a crash writes the same bytes. Memory stays flat: the
 * lists are spooled to temp files and streamed into the manifest.
 */
export async function finishPackage(ctx: FinishContext): Promise<PackageSummary> {
  const { exp, writer } = ctx;
  const dir = await mkdtemp(join(tmpdir(), 'custody-export-finish-'));
  try {
    const paths = { files: join(dir, 'files'), records: join(dir, 'records'), csv: join(dir, 'loadfile.csv'), dat: join(dir, 'loadfile.dat') };
    const files = createWriteStream(paths.files);
    const records = createWriteStream(paths.records);
    const csv = createWriteStream(paths.csv);
    const dat = createWriteStream(paths.dat);
    await write(csv, csvRow(LOAD_FILE_COLUMNS));
    await write(dat, DAT_BOM + datRow(LOAD_FILE_COLUMNS));
    const listed = new Set<string>();
    const totals = { files: 0, bytes: 0, documents: 0 };
    const addFile = async (f: StoredFile, format: string) => {
      if (listed.has(f.path)) return; // attachments shared by several records are one file
      listed.add(f.path);
      await write(files, `${totals.files++ ? ',' : ''}\n    ${JSON.stringify({ path: f.path, size: f.size, sha256: f.sha256, format })}`);
      totals.bytes += f.size;
    };
    const differ: Differences = { missing: [], extra: [] };
    let produced = 0;
    const producedRecords: ProducedRecord[] = [];
    for (const unit of ctx.units) {
      const ledger = JSON.parse((await ctx.store.get(exportKey(exp.tenant, exp.id, unitLedgerPath(unit.seq)))).body.toString('utf8')) as UnitLedger;
      for (const d of ledger.documents) {
        totals.documents++;
        await addFile(d, d.format);
        await write(csv, csvDocumentRow(d));
        await write(dat, datDocumentRow(d));
      }
      for (const a of ledger.attachments) await addFile(a, 'attachment');
      compareRecords(unit.records, ledger.records, differ);
      for (const r of ledger.records) {
        produced++;
        producedRecords.push(r);
        if (r.raw) await addFile({ path: r.raw.file, size: r.raw.size, sha256: r.raw.sha256 }, 'raw');
        await write(records, `${produced > 1 ? ',' : ''}\n    ${JSON.stringify(r)}`);
      }
    }
    await Promise.all([close(csv), close(dat), close(records)]);
    checkCounts(exp.id, ctx.plan.length, produced, differ);
    for (const f of await writeProofs({ ...ctx.proofs, store: ctx.store, exp, writer }, producedRecords)) await addFile(f, 'proof');
    if (exp.formats.includes('loadfile')) {
      await addFile(await writer.putFile('loadfile.csv', await spooled(paths.csv), 'text/csv; charset=utf-8'), 'loadfile');
      await addFile(await writer.putFile('loadfile.dat', await spooled(paths.dat), 'text/plain; charset=utf-8'), 'loadfile');
    }
    await close(files);
    const { file } = await writer.spool(async (out) => {
      const head = {
        schema: MANIFEST_SCHEMA,
        export: {
          id: exp.id,
          tenant: exp.tenant,
          name: exp.name,
          scope: exp.scope,
          formats: exp.formats,
          timeZone: exp.timeZone,
          batesPrefix: exp.batesPrefix,
        },
        requestedBy: { keyId: exp.requestedBy, role: exp.requestedRole },
        requestedAt: exp.requestedAt,
        custodyVersion: ctx.custodyVersion,
        counts: { files: totals.files, bytes: totals.bytes, records: produced, documents: totals.documents },
      };
      await write(out, `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "files": [`);
      await copy(paths.files, out);
      await write(out, '\n  ],\n  "records": [');
      await copy(paths.records, out);
      await write(out, '\n  ]\n}\n');
      out.end();
    });
    const manifest = await writer.putFile(MANIFEST_PATH, file, 'application/json');
    return { manifest, files: totals.files + 1, bytes: totals.bytes + manifest.size, records: produced, documents: totals.documents };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Differences {
  missing: string[];
  extra: string[];
}

/**
 * A unit's ledger must list exactly the unit's planned records, in plan order: compared position by
 * position, so no set of every id in the export is ever held in memory.
 */
function compareRecords(planned: PlannedRecord[], produced: Array<{ id: string }>, differ: Differences): void {
  const want = planned.map((r) => r.id);
  const got = produced.map((r) => r.id);
  if (want.length === got.length && want.every((id, i) => id === got[i])) return;
  const wanted = new Set(want);
  const have = new Set(got);
  differ.missing.push(...want.filter((id) => !have.has(id)));
  differ.extra.push(...got.filter((id, i) => !wanted.has(id) || got.indexOf(id) !== i));
}

/** Produced must equal planned, record for record. */
function checkCounts(exportId: string, planned: number, produced: number, differ: Differences): void {
  if (!differ.missing.length && !differ.extra.length && planned === produced) return;
  const list = (ids: string[]) => `${ids.slice(0, 20).join(', ')}${ids.length > 20 ? `, … (${ids.length} in all)` : ''}`;
  throw new IntegrityError(
    `export ${exportId}: ${produced} records produced for ${planned} in scope` +
      (differ.missing.length ? `; missing: ${list(differ.missing)}` : '') +
      (differ.extra.length ? `; not in scope or produced twice: ${list(differ.extra)}` : ''),
  );
}
