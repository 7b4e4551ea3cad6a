import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@custody/config';
import { rawSource, type ImportItem, type Importer } from '@custody/connector-kit';
import { controlTopicsFor, countsOfDay, emptyCounts, openControlPlane } from '@custody/control';
import { createLogger, silentLogger } from '@custody/logger';
import { createAdapters } from './adapters';
import { main } from './cli';
import { runImport, type ImportIO } from './import';

/**
 * A line-based importer that drops lines, as a buggy parser would: one item per line of the file
 * (position = line number), except the lines in `skip`; it stops for good after `stopAfter`, and
 * dies (an interrupted import) once it has yielded `dieAfter` items.
 */
const mockPlan: { skip: Set<number>; stopAfter?: number; dieAfter?: number } = { skip: new Set() };
const mockSkipper: Importer = {
  id: 'test-skips-lines',
  channel: 'whatsapp',
  description: 'test importer that skips lines',
  async *read(path, ctx) {
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    let yielded = 0;
    for (const [i, text] of lines.entries()) {
      const n = i + 1;
      if (mockPlan.stopAfter !== undefined && n > mockPlan.stopAfter) return;
      if (mockPlan.skip.has(n)) continue;
      if (mockPlan.dieAfter !== undefined && yielded === mockPlan.dieAfter) throw new Error('killed');
      yielded++;
      const item: ImportItem = {
        position: n,
        lines: { first: n, last: n },
        result: {
          tenant: ctx.tenant,
          channel: 'whatsapp',
          kind: 'message',
          source: {
            connector: 'test-skips-lines',
            externalId: `${path}:${n}`,
            receivedAt: ctx.receivedAt.toISOString(),
            raw: rawSource({ contentType: 'text/plain; charset=utf-8', body: Buffer.from(text) }),
          },
          conversation: { id: 'test-conversation', type: 'direct' },
          sender: { kind: 'handle', value: 'alice' },
          recipients: [{ kind: 'handle', value: 'bob' }],
          direction: 'unknown',
          sentAt: '2024-01-02T09:00:00.000Z',
          capturedAt: ctx.receivedAt.toISOString(),
          content: { text },
        },
      };
      yield item;
    }
  },
  async total(path) {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  },
  async lineCount(path) {
    return { file: path, lines: readFileSync(path, 'utf8').split('\n').length - 1 };
  },
};

jest.mock('@custody/connectors', () => {
  const actual = jest.requireActual('@custody/connectors');
  return { ...actual, getImporter: (id: string) => (id === 'test-skips-lines' ? mockSkipper : actual.getImporter(id)) };
});

const WHATSAPP = resolve(__dirname, '../../../packages/connectors/src/whatsapp-export/fixtures');

describe('custody import: line accounting', () => {
  let dataDir: string;
  let stderr: string;
  let logs: Array<Record<string, unknown>>;
  let io: ImportIO;
  const config = () => loadConfig({ CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const checkpointOf = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
  const gapLines = () => stderr.split('\n').filter((l) => l.includes('produced no record'));
  const textFile = (lines: number) => {
    const path = join(mkdtempSync(join(tmpdir(), 'custody-import-lines-')), 'export.txt');
    writeFileSync(path, Array.from({ length: lines }, (_, i) => `line ${i + 1}\n`).join(''));
    return path;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'custody-import-lines-data-'));
    stderr = '';
    logs = [];
    io = {
      stderr: { write: (s: string) => void (stderr += s) },
      logger: createLogger('test', { level: 'warn' }, { write: (s: string) => void logs.push(JSON.parse(s)) }),
    };
    mockPlan.skip = new Set();
    mockPlan.stopAfter = undefined;
    mockPlan.dieAfter = undefined;
  });

  test('a WhatsApp export read whole: every line in a record, no gap, exit 0; the checkpoint keeps the accounting', async () => {
    const file = join(WHATSAPP, 'android-de.txt');
    const summary = await runImport(config(), { channel: 'whatsapp-export', file, tenant: 'acme', timezone: 'Europe/Berlin' }, io);
    expect(summary).toMatchObject({ accepted: 3, quarantined: 0, linesRead: 4, lineGaps: [], exitCode: 0 });
    expect(gapLines()).toEqual([]);
    expect(stderr).toContain(`custody import: whatsapp-export ${file}: 3 accepted, 0 quarantined, 4 lines read`);
    expect(logs.filter((l) => l.event === 'import_line_gap')).toEqual([]);
    expect((await checkpointOf(summary.checkpoint)).lines).toEqual({ through: 4, lastItem: { first: 4, last: 4 }, gaps: [] });
    // and counted as received for the tenant's daily reconciliation (the archiver counts what it archives)
    const adapters = await createAdapters(config(), silentLogger());
    try {
      const control = await openControlPlane(adapters.bus, controlTopicsFor(), silentLogger());
      const today = new Date().toISOString().slice(0, 10);
      expect(countsOfDay(control.reconciliation.values(), 'acme', today).get('whatsapp-export')).toEqual({ ...emptyCounts(), received: 3 });
      await control.stop();
    } finally {
      await adapters.close();
    }
  });

  test('an export that is not line-based (a single .eml) accounts no lines', async () => {
    const file = resolve(__dirname, '../../../packages/connectors/src/email/fixtures/simple.eml');
    const summary = await runImport(config(), { channel: 'email', file, tenant: 'acme' }, io);
    expect(summary).toMatchObject({ accepted: 1, quarantined: 0, lineGaps: [], exitCode: 0 });
    expect(summary.linesRead).toBeUndefined();
    expect(stderr).not.toContain('lines read');
    expect((await checkpointOf(summary.checkpoint)).lines).toBeUndefined();
  });

  test('skipped lines and a parser that stopped early are gaps named by line number, logged, and exit 2', async () => {
    const file = textFile(10);
    mockPlan.skip = new Set([3, 4, 7]);
    mockPlan.stopAfter = 8;
    const summary = await runImport(config(), { channel: 'test-skips-lines', file, tenant: 'acme' }, io);
    const gaps = [
      { from: 3, to: 4, lines: 2 },
      { from: 7, to: 7, lines: 1 },
      { from: 9, to: 10, lines: 2 },
    ];
    expect(summary).toMatchObject({ accepted: 5, quarantined: 0, linesRead: 5, lineGaps: gaps, exitCode: 2 });
    expect(gapLines()).toEqual([
      `custody import: lines 3–4 of ${file} produced no record and no quarantine entry`,
      `custody import: line 7 of ${file} produced no record and no quarantine entry`,
      `custody import: lines 9–10 of ${file} produced no record and no quarantine entry`,
    ]);
    expect(stderr).toContain('5 accepted, 0 quarantined, 5 lines read, 5 in no item');
    expect(
      logs.filter((l) => l.event === 'import_line_gap').map(({ importer, tenant, from, to, lines, level }) => ({ importer, tenant, from, to, lines, level })),
    ).toEqual(gaps.map((g) => ({ importer: 'test-skips-lines', tenant: 'acme', ...g, level: 40 })));
    expect((await checkpointOf(summary.checkpoint)).lines).toEqual({ through: 10, lastItem: { first: 8, last: 8 }, gaps });

    // the CLI exits with the summary's code
    const saved = process.env.CUSTODY_DATA_DIR;
    process.env.CUSTODY_DATA_DIR = mkdtempSync(join(tmpdir(), 'custody-import-lines-data-'));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['import', '--channel', 'test-skips-lines', '--file', file, '--tenant', 'acme'])).toBe(2);
    } finally {
      write.mockRestore();
      log.mockRestore();
      if (saved === undefined) delete process.env.CUSTODY_DATA_DIR;
      else process.env.CUSTODY_DATA_DIR = saved;
    }
  });

  test('a gap found before an interruption survives the resume; the resume reports no gap for the lines it skips', async () => {
    const file = textFile(450);
    const options = { channel: 'test-skips-lines', file, tenant: 'acme' };
    mockPlan.skip = new Set([50, 51, 300]);
    mockPlan.dieAfter = 250;
    // the first batch of 200 items (lines 1-202 but for the gap 50-51) is published and checkpointed; then the import dies
    await expect(runImport(config(), options, io)).rejects.toThrow('killed');
    const [checkpointFile] = readdirSync(join(dataDir, 'imports'));
    const interrupted = await checkpointOf(join(dataDir, 'imports', checkpointFile));
    expect(interrupted).toMatchObject({ position: 202, accepted: 200, complete: false });
    expect(interrupted.lines).toEqual({ through: 202, lastItem: { first: 202, last: 202 }, gaps: [{ from: 50, to: 51, lines: 2 }] });

    mockPlan.dieAfter = undefined;
    stderr = '';
    logs = [];
    const resumed = await runImport(config(), options, io);
    const gaps = [
      { from: 50, to: 51, lines: 2 },
      { from: 300, to: 300, lines: 1 },
    ];
    expect(resumed).toMatchObject({ accepted: 447, publishedNow: 247, resumedAfter: 202, linesRead: 447, lineGaps: gaps, exitCode: 2 });
    expect(gapLines()).toEqual([
      `custody import: lines 50–51 of ${file} produced no record and no quarantine entry`,
      `custody import: line 300 of ${file} produced no record and no quarantine entry`,
    ]);
    // only the gap this run found is logged again
    expect(logs.filter((l) => l.event === 'import_line_gap').map((l) => [l.from, l.to])).toEqual([[300, 300]]);

    // a completed import run again publishes nothing and still reports its gaps
    stderr = '';
    const again = await runImport(config(), options, io);
    expect(again).toMatchObject({ publishedNow: 0, lineGaps: gaps, linesRead: 447, exitCode: 2 });
    expect(gapLines()).toHaveLength(2);
  });

  test('an importer whose items go back over lines already read fails the import with the exact lines', async () => {
    const file = textFile(3);
    const original = mockSkipper.read.bind(mockSkipper);
    const read = jest.spyOn(mockSkipper, 'read').mockImplementation(async function* (path, ctx) {
      for await (const item of original(path, ctx)) yield item.position === 3 ? { ...item, lines: { first: 2, last: 3 } } : item;
    });
    try {
      await expect(runImport(config(), { channel: 'test-skips-lines', file, tenant: 'acme' }, io)).rejects.toThrow(
        'importer test-skips-lines yielded lines 2-3 (position 3) overlapping lines already accounted for: the item before it had lines 2-2',
      );
    } finally {
      read.mockRestore();
    }
  });
});
