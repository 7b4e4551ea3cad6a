import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { topicsFor } from '@custody/bus';
import { loadConfig, type Config } from '@custody/config';
import { publishCaptured, sealImportItem, type RefusedEvent } from '@custody/capture';
import { LineAccounting, isRejected, type ImportItem, type Importer, type LineAccountingState, type LineGap } from '@custody/connector-kit';
import { getImporter } from '@custody/connectors';
import { ReconciliationCounter, TenantLockPolicy, controlTopicsFor, openControlPlane, utcDay, type ControlPlane } from '@custody/control';
import { PRIVATE_FILE, mkdirDurable, writeFileAtomic } from '@custody/durable-fs';
import { isRawRef, type Envelope } from '@custody/envelope';
import { ConfigError, RejectedInputError } from '@custody/errors';
import { createLogger, type Logger } from '@custody/logger';
import { createAdapters, type Adapters } from './adapters';
import { quarantineTopicSpec } from './topic-specs';

export const IMPORT_USAGE =
  'usage: custody import --channel <importer id> --file <path> --tenant <id> [--account <id>] [--timezone <IANA zone>] [--date-order dmy|mdy] [--restart]\n' +
  '  --timezone: zone of the exporting device (e.g. Europe/London), required for whatsapp-export and for Telegram exports with local times only\n' +
  '  --date-order: whatsapp-export only, for a chat whose dates cannot tell day first (dmy) from month first (mdy)\n' +
  '  exit 0: every item archived; 2: some quarantined, or lines of a line-based export (WhatsApp .txt, mbox) in no record and no quarantine entry';

const BATCH = 200;

export interface ImportOptions {
  /** Importer id, e.g. whatsapp-export. */
  channel: string;
  file: string;
  tenant: string;
  account?: string;
  timezone?: string;
  /** Day-first or month-first dates, for a WhatsApp .txt whose dates cannot tell. */
  dateOrder?: 'dmy' | 'mdy';
  /** Ignore the checkpoint and read the export from its start. */
  restart?: boolean;
}

export interface ImportIO {
  stderr: { write(text: string): unknown; isTTY?: boolean };
  logger?: Logger;
}

export interface ImportSummary {
  /** Over the whole import of this file, including runs before a resume. */
  accepted: number;
  quarantined: number;
  /** What this run published. */
  publishedNow: number;
  quarantinedNow: number;
  /** Position the run continued after, when it resumed from a checkpoint. */
  resumedAfter?: number;
  /**
   * Line-based exports (WhatsApp .txt, mbox): the lines of the numbered file inside an item
   * (archived or quarantined), over the whole import; undefined when the export is not line-based.
   */
  linesRead?: number;
  /** Line ranges in no record and no quarantine entry (the importer skipped them), over the whole import. */
  lineGaps: LineGap[];
  checkpoint: string;
  /** 2 when anything was quarantined or any line gap was found. */
  exitCode: 0 | 2;
}

interface Checkpoint {
  importer: string;
  tenant: string;
  path: string;
  /** Last position whose batch was fully published. */
  position: number;
  accepted: number;
  quarantined: number;
  complete: boolean;
  /** How the run read local times: a resumed run must read them the same way. */
  timezone?: string;
  dateOrder?: string;
  /** Line accounting up to `position`, for line-based exports; absent in checkpoints of other exports and of older versions. */
  lines?: LineAccountingState;
  updatedAt: string;
}

/** Items may carry the bytes they came from (the shipped importers do), so rejects are quarantined with their evidence. */
type Item = ImportItem & { raw?: { contentType: string; body: Buffer } };

/** `custody import …` from the CLI: exit 0 all archived, 2 some quarantined or lines in no item (or bad usage); failures throw (exit 1). */
export async function importCommand(args: string[]): Promise<number> {
  const summary = await runImport(loadConfig(), parseImportArgs(args), { stderr: process.stderr });
  return summary.exitCode;
}

function parseImportArgs(args: string[]): ImportOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        channel: { type: 'string' },
        file: { type: 'string' },
        tenant: { type: 'string' },
        account: { type: 'string' },
        timezone: { type: 'string' },
        'date-order': { type: 'string' },
        restart: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new RejectedInputError('bad_usage', `${(err as Error).message}\n${IMPORT_USAGE}`);
  }
  const { channel, file, tenant, account, timezone, 'date-order': dateOrder, restart } = values;
  if (!channel || !file || !tenant) throw new RejectedInputError('bad_usage', `import needs --channel, --file and --tenant\n${IMPORT_USAGE}`);
  if (dateOrder !== undefined && dateOrder !== 'dmy' && dateOrder !== 'mdy') {
    throw new RejectedInputError('bad_usage', `--date-order must be dmy (day first) or mdy (month first), got "${dateOrder}"\n${IMPORT_USAGE}`);
  }
  return { channel, file, tenant, account, timezone, dateOrder, restart };
}

/**
 * Reads an export with its importer, stores attachment files as WORM blobs, seals and publishes
 * the records in batches, and quarantines what the importer rejected. A checkpoint after each
 * published batch makes an interrupted import resumable; deterministic ids and the write-once
 * archive make any re-run harmless.
 */
export async function runImport(config: Config, options: ImportOptions, io: ImportIO): Promise<ImportSummary> {
  const importer = getImporter(options.channel);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.tenant))
    throw new RejectedInputError('bad_usage', `--tenant "${options.tenant}" is not a tenant id (a-z, 0-9, -)`);
  const path = resolve(options.file);
  const info = await stat(path).catch((err: Error) => {
    throw new RejectedInputError('bad_usage', `cannot read --file ${options.file}: ${err.message}`);
  });
  const checkpointFile = join(resolve(config.CUSTODY_DATA_DIR), 'imports', `${options.tenant}-${importer.id}-${await fingerprint(path, info)}.json`);
  const previous = options.restart ? undefined : await readCheckpoint(checkpointFile);
  if (previous && (previous.timezone !== options.timezone || previous.dateOrder !== options.dateOrder)) {
    const how = (cp: { timezone?: string; dateOrder?: string }) => `--timezone ${cp.timezone ?? '(none)'} --date-order ${cp.dateOrder ?? '(none)'}`;
    throw new RejectedInputError(
      'bad_usage',
      `the import being resumed read this export with ${how(previous)}, not ${how(options)}: resume with the same, or pass --restart to read it again from its start`,
    );
  }
  const receivedAt = new Date();
  const items = (
    importer.read(path, {
      tenant: options.tenant,
      receivedAt,
      account: options.account,
      timezone: options.timezone,
      dateOrder: options.dateOrder,
    }) as AsyncIterable<Item>
  )[Symbol.asyncIterator]();
  try {
    // the first item comes after the importer's checks of the whole export (no --timezone, undecidable
    // dates, no chat file): a refused export is refused before the archive is opened
    const first = await items.next();
    return await archive(config, { importer, options, path, checkpointFile, previous, receivedAt, items, first }, io);
  } finally {
    await items.return?.();
  }
}

interface Run {
  importer: Importer;
  options: ImportOptions;
  path: string;
  checkpointFile: string;
  previous?: Checkpoint;
  receivedAt: Date;
  items: AsyncIterator<Item>;
  first: IteratorResult<Item>;
}

async function archive(config: Config, run: Run, io: ImportIO): Promise<ImportSummary> {
  const { importer, options, path, checkpointFile, previous, receivedAt, items } = run;
  const logger = io.logger ?? createLogger('custody-import', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const adapters = await openAdapters(config, logger);
  let control: ControlPlane | undefined;
  try {
    if (previous)
      io.stderr.write(
        `custody import: resuming after position ${previous.position} (${previous.accepted} accepted, ${previous.quarantined} quarantined before${previous.complete ? '; the import had completed' : ''})\n`,
      );
    const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
    await adapters.bus.ensureTopics([{ name: topics.customerData }, quarantineTopicSpec(config, topics.quarantine)]);
    await adapters.store.ensureReady();
    control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger);
    // the archiver's policy: a blob is locked at least as long as the record that refers to it
    const policy = new TenantLockPolicy(control.retention, control.holds, config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, config.CUSTODY_MIN_LOCK_SECONDS);
    const directory = control.directoryOf(options.tenant);
    // what this run received, for the tenant's daily reconciliation (a row of its own: imports may run side by side)
    const reconciliation = new ReconciliationCounter({ table: control.reconciliation, logger, role: `import-${process.pid}` });
    // a copy: `previous` keeps saying where this run resumed, while `state` moves on with each batch
    const state: Checkpoint = previous
      ? { ...previous }
      : {
          importer: importer.id,
          tenant: options.tenant,
          path,
          position: -1,
          accepted: 0,
          quarantined: 0,
          complete: false,
          timezone: options.timezone,
          dateOrder: options.dateOrder,
          updatedAt: '',
        };
    const progress = new Progress(io.stderr, await importer.total?.(path));
    const numbered = await importer.lineCount?.(path);
    const numberedFile = numbered?.file ?? path;
    // a resume goes on from the checkpoint's last line: items up to its position are skipped, not re-counted
    const lines = new LineAccounting(`importer ${importer.id}`, previous ? (previous.lines ?? null) : undefined);
    const reportGap = (gap: LineGap | undefined) => {
      if (gap)
        logger.warn(
          { event: 'import_line_gap', importer: importer.id, tenant: options.tenant, from: gap.from, to: gap.to, lines: gap.lines },
          'lines in no item',
        );
    };
    let envelopes: Envelope[] = [];
    let rejects: RefusedEvent[] = [];
    let last = state.position;
    let publishedNow = 0;
    let quarantinedNow = 0;

    const flush = async () => {
      await publishCaptured(
        adapters.bus,
        topics,
        { tenant: options.tenant, connector: importer.id, stage: 'import', receivedAt },
        { envelopes, rejected: rejects },
      );
      reconciliation.add(options.tenant, utcDay(receivedAt), importer.id, 'received', envelopes.length + rejects.length);
      reconciliation.add(options.tenant, utcDay(receivedAt), importer.id, 'quarantined', rejects.length);
      await reconciliation.flush();
      publishedNow += envelopes.length;
      quarantinedNow += rejects.length;
      Object.assign(state, {
        position: last,
        accepted: state.accepted + envelopes.length,
        quarantined: state.quarantined + rejects.length,
        lines: lines.state,
      });
      await writeCheckpoint(checkpointFile, state);
      envelopes = [];
      rejects = [];
    };

    for (let next = run.first; !next.done; next = await items.next()) {
      const item = next.value;
      if (previous && item.position <= previous.position) continue;
      if (item.position <= last) throw new Error(`importer ${importer.id} yielded position ${item.position} after ${last}`);
      last = item.position;
      reportGap(lines.observe(item));
      const outcome = isRejected(item.result) ? item.result : await sealImportItem(item, item.result, { store: adapters.store, policy, directory });
      if ('rejected' in outcome) rejects.push({ ...outcome, raw: { body: item.raw?.body ?? rawOf(item.result), contentType: item.raw?.contentType } });
      else envelopes.push(outcome);
      if (envelopes.length + rejects.length >= BATCH) await flush();
      progress.update(item.position, state.accepted + envelopes.length, state.quarantined + rejects.length);
    }
    // lines after the last item: the importer stopped before the end of the file
    reportGap(lines.finish(numbered?.lines));
    state.complete = true;
    await flush();
    progress.finish(state.accepted, state.quarantined);

    const gaps = lines.gaps;
    for (const gap of gaps) {
      const range = gap.from === gap.to ? `line ${gap.from}` : `lines ${gap.from}–${gap.to}`;
      io.stderr.write(`custody import: ${range} of ${numberedFile} produced no record and no quarantine entry\n`);
    }
    const exitCode = state.quarantined > 0 || gaps.length > 0 ? 2 : 0;
    const resumed = previous ? ` (resumed after position ${previous.position}; ${publishedNow} published now)` : '';
    const later = config.CUSTODY_MODE === 'embedded' && publishedNow > 0 ? '; Custody archives them when it runs' : '';
    const linesRead = lines.lineNumbered ? lines.linesInItems : undefined;
    const missing = gaps.reduce((n, g) => n + g.lines, 0);
    const lineNote = linesRead === undefined ? '' : `, ${linesRead} lines read${missing ? `, ${missing} in no item` : ''}`;
    io.stderr.write(`custody import: ${importer.id} ${path}: ${state.accepted} accepted, ${state.quarantined} quarantined${lineNote}${resumed}${later}\n`);
    return {
      accepted: state.accepted,
      quarantined: state.quarantined,
      publishedNow,
      quarantinedNow,
      resumedAfter: previous?.position,
      linesRead,
      lineGaps: gaps,
      checkpoint: checkpointFile,
      exitCode,
    };
  } finally {
    await control?.stop();
    await adapters.close();
  }
}

function rawOf(result: ImportItem['result']): Buffer {
  // importers keep each item's bytes inline; a reference has no bytes here to quarantine
  if (isRejected(result) || isRawRef(result.source.raw)) return Buffer.alloc(0);
  return Buffer.from(result.source.raw.body, result.source.raw.encoding === 'base64' ? 'base64' : 'utf8');
}

/** In embedded mode a running Custody holds the data directory: say so, and what to do. */
async function openAdapters(config: Config, logger: Logger): Promise<Adapters> {
  try {
    return await createAdapters(config, logger);
  } catch (err) {
    if (!(err instanceof ConfigError) || config.CUSTODY_MODE !== 'embedded') throw err;
    throw new ConfigError(
      `${err.message}. A running Custody holds the embedded data directory: stop it, run the import, then start Custody again; it archives the imported records when it starts.`,
    );
  }
}

/**
 * The same file (path, size, modification time) maps to the same checkpoint; a changed file starts
 * afresh. For an export folder its top-level files count: editing _chat.txt in place leaves the
 * folder's own mtime unchanged.
 */
async function fingerprint(path: string, info: Stats): Promise<string> {
  const hash = createHash('sha256').update(`${path}\u0000${info.size}\u0000${info.mtimeMs}`);
  if (info.isDirectory()) {
    for (const name of (await readdir(path)).sort()) {
      const entry = await stat(join(path, name));
      if (entry.isFile()) hash.update(`\u0000${name}\u0000${entry.size}\u0000${entry.mtimeMs}`);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

async function readCheckpoint(file: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`import checkpoint ${file} is unreadable (${(err as Error).message}); remove it or pass --restart`);
  }
}

/** Atomic and durable (packages/durable-fs): a crash leaves the previous checkpoint or the new one, never half of one. */
async function writeCheckpoint(file: string, cp: Checkpoint): Promise<void> {
  await mkdirDurable(dirname(file));
  await writeFileAtomic(file, JSON.stringify({ ...cp, updatedAt: new Date().toISOString() }, null, 2), PRIVATE_FILE);
}

/** A bar redrawn in place on a terminal; otherwise one line per 5 % (or per 1000 items when the size is unknown). */
class Progress {
  private readonly started = Date.now();
  private items = 0;
  private lastDraw = 0;
  private lastStep = -1;

  constructor(
    private readonly out: ImportIO['stderr'],
    private readonly total: number | undefined,
  ) {}

  update(position: number, accepted: number, quarantined: number): void {
    this.items++;
    const pct = this.total ? Math.min(100, (position / this.total) * 100) : undefined;
    if (this.out.isTTY) {
      if (Date.now() - this.lastDraw < 100) return;
      this.lastDraw = Date.now();
      this.out.write(`\r\x1b[2K${this.line(pct, accepted, quarantined)}`);
      return;
    }
    const step = pct === undefined ? Math.floor(this.items / 1000) : Math.floor(pct / 5);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    this.out.write(`${this.line(pct, accepted, quarantined)}\n`);
  }

  finish(accepted: number, quarantined: number): void {
    this.out.write(`${this.out.isTTY ? '\r\x1b[2K' : ''}${this.line(100, accepted, quarantined)}\n`);
  }

  private line(pct: number | undefined, accepted: number, quarantined: number): string {
    const rate = this.items / Math.max((Date.now() - this.started) / 1000, 0.001);
    const bar = pct === undefined ? '' : `[${'#'.repeat(Math.round(pct / 5)).padEnd(20, '-')}] ${pct.toFixed(0).padStart(3)}% `;
    return `${bar}${this.items} items ${rate.toFixed(0)}/s  accepted ${accepted}  quarantined ${quarantined}`;
  }
}
