import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort, waitFor } from '@custody/testing';
import { killGroup, npmStart, type StartedCustody, keyOnHost } from '@custody/testing/process';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';
import { webhookId } from '@custody/api';
import { LocalArchiveStore, parseKey } from '@custody/archive-store';

interface Frame {
  start: number;
  payloadStart: number;
  end: number;
  value: Buffer;
}

/** The complete frames of a segment file: `[u32 length][u32 CRC-32][JSON payload]` (a frame being appended is left out). */
function frames(file: string): Frame[] {
  const bytes = readFileSync(file);
  const out: Frame[] = [];
  for (let pos = 0; pos + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(pos);
    if (pos + 8 + length > bytes.length) break;
    const payload = JSON.parse(bytes.subarray(pos + 8, pos + 8 + length).toString('utf8')) as { v: string };
    out.push({ start: pos, payloadStart: pos + 8, end: pos + 8 + length, value: Buffer.from(payload.v, 'base64') });
    pos += 8 + length;
  }
  return out;
}

/** The segment files of every partition of a topic (`<topic>/<partition>/<base offset>.log`). */
const partitionFiles = (topicDir: string) =>
  readdirSync(topicDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((p) =>
      readdirSync(join(topicDir, p.name))
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(topicDir, p.name, f)),
    );

/** Flips one byte in the middle of the middle record of the topic's fullest partition; returns that record. */
function corruptMiddleRecord(topicDir: string): { file: string; victim: Frame; index: number; count: number; damaged: Buffer } {
  const [file, inFile] = partitionFiles(topicDir)
    .map((f) => [f, frames(f)] as const)
    .sort((a, b) => b[1].length - a[1].length)[0];
  const index = Math.floor(inFile.length / 2);
  const victim = inFile[index];
  const bytes = readFileSync(file);
  bytes[Math.floor((victim.payloadStart + victim.end) / 2)] ^= 0x01;
  writeFileSync(file, bytes);
  return { file, victim, index, count: inFile.length, damaged: bytes.subarray(victim.start, victim.end) };
}

/** SIGTERM, and wait until the node process behind npm has finished its clean shutdown. */
async function stop(custody: StartedCustody): Promise<void> {
  killGroup(custody.child, 'SIGTERM');
  await custody.exited;
  await waitFor('Custody to report a clean stop', async () => (custody.output().includes('Custody stopped cleanly') ? true : undefined), 15_000);
}

/**
 * Issue 8 item 6: one flipped byte in the middle of a customer-data partition. Before the fix,
 * start-up cut the log off there, the archiver's committed offset was past the new end, new
 * records reused old offsets and were never archived (audit events too). Now the damaged record is
 * moved aside and reported, and every acknowledged webhook and audit event is archived exactly once.
 */
describe('npm start (embedded) with a corrupt record in the middle of a log partition', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-e2e-corrupt-'));
  const metricsToken = `metrics-${randomBytes(12).toString('hex')}`;
  let running: StartedCustody | undefined;

  afterAll(async () => {
    if (running) killGroup(running.child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `<tenant>/<day>/<id>.json` of every audit event in the audit topic's partition files. */
  function auditKeys(): Set<string> {
    const dir = join(
      dataDir,
      'bus',
      'topics',
      readdirSync(join(dataDir, 'bus', 'topics')).find((t) => t.includes('audit'))!,
    );
    const keys = new Set<string>();
    for (const file of partitionFiles(dir)) {
      for (const f of frames(file)) {
        const e = JSON.parse(f.value.toString('utf8')) as { id: string; at: string; tenant: string };
        keys.add(`${e.tenant}/${e.at.slice(0, 10)}/${e.id}.json`);
      }
    }
    return keys;
  }

  /** Audit objects in the embedded WORM store, keyed like auditKeys (listing only reads, so it can run beside Custody). */
  async function archivedAuditKeys(): Promise<Set<string>> {
    const keys = new Set<string>();
    for await (const v of new LocalArchiveStore({ dir: join(dataDir, 'archive') }).list('tenants/')) {
      const o = parseKey(v.key);
      if (o?.kind === 'audit') keys.add(`${o.tenant}/${o.day}/${o.id}.json`);
    }
    return keys;
  }

  /** Waits until every audit event in the log now, and every one in `earlier`, is archived; then checks nothing else is. */
  async function auditArchived(earlier: Set<string>): Promise<void> {
    const expected = await waitFor(
      'every audit event archived to WORM',
      async () => {
        const want = new Set([...earlier, ...auditKeys()]);
        const have = await archivedAuditKeys();
        return [...want].every((k) => have.has(k)) ? want : undefined;
      },
      60_000,
    );
    expect([...(await archivedAuditKeys())].sort()).toEqual([...expected].sort());
  }

  test('every acknowledged record is archived exactly once; the corruption is on /metrics and in the log', async () => {
    const port = String(await freePort());
    const env = { CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: port, CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(metricsToken).digest('hex') };
    // reading records needs a compliance key, which only the operator creates first (separation of duties)
    const compliance = await keyOnHost({ CUSTODY_DATA_DIR: dataDir }, 'default', 'compliance');
    running = await npmStart(env);
    const auth = { authorization: `Bearer ${running.bootstrapToken}`, 'content-type': 'application/json' };
    const appSecret = 'corrupt-app-secret';
    const put = await fetch(`${running.url}/v1/admin/connectors/corrupt-wa`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret, verifyToken: 'corrupt-verify-token' } }),
    });
    expect(put.status).toBe(201);
    const run = `run${Date.now().toString(36)}`;
    const searchRun = async (url: string) =>
      (await apiSearch(url, compliance, { text: run, size: 100 })).body as { total: number; hits: Array<{ id: string }> };

    // one sender, one conversation: every record lands in the same partition, in order
    const before = Array.from({ length: 12 }, (_, i) => `${run} before${i} acknowledged`);
    for (const text of before) expect((await postWebhook(running.url, webhookId('default', 'corrupt-wa'), textWebhook(text).body, appSecret)).status).toBe(200);
    await waitFor('the 12 first records archived and searchable', async () => ((await searchRun(running!.url)).total === 12 ? true : undefined), 60_000);
    await auditArchived(new Set());
    await stop(running);
    running = undefined;

    // flip one byte in the middle record of the customer-data partition that holds them, and of the audit trail's
    const topicDir = (name: string) =>
      join(
        dataDir,
        'bus',
        'topics',
        readdirSync(join(dataDir, 'bus', 'topics')).find((t) => t.includes(name))!,
      );
    const data = corruptMiddleRecord(topicDir('customer-data'));
    expect(data.count).toBe(12);
    const victimId = (JSON.parse(data.victim.value.toString('utf8')) as { id: string }).id;
    const auditBefore = auditKeys();
    const audit = corruptMiddleRecord(topicDir('audit'));
    expect(audit.count).toBeGreaterThanOrEqual(3);

    running = await npmStart(env);
    const url = running.url;
    const after = Array.from({ length: 10 }, (_, i) => `${run} after${i} acknowledged`);
    for (const text of after) expect((await postWebhook(url, webhookId('default', 'corrupt-wa'), textWebhook(text).body, appSecret)).status).toBe(200);

    const all = await waitFor(
      'all 22 acknowledged records searchable',
      async () => {
        const r = await searchRun(url);
        return r.total >= 22 ? r : undefined;
      },
      60_000,
    );
    expect(all.total).toBe(22);
    expect(new Set(all.hits.map((h) => h.id)).size).toBe(22);
    for (const text of [...before, ...after]) expect((await apiSearch(url, compliance, { text })).body.total).toBe(1);

    // the damaged record's webhook was archived before the damage: it is still there, intact, once
    const rec = await fetch(`${url}/v1/records/${victimId}`, { headers: { authorization: `Bearer ${compliance}` } });
    expect(rec.status).toBe(200);
    expect((await rec.json()).verification).toMatchObject({
      objectSha256: 'match',
      envelopeIntegrity: 'match',
      recordLog: expect.stringMatching(/^(match|pending)$/),
    });

    // exactly once: this run archived the 10 new records as new objects and re-delivered none of the old ones
    const scrape = () => fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } }).then((r) => r.text());
    const text = await waitFor('ten records archived by this run', async () => {
      const t = await scrape();
      return /custody_records_archived_total\{[^}]*outcome="created"[^}]*\} 10\b/.test(t) ? t : undefined;
    });
    expect(text).not.toMatch(/custody_records_archived_total\{[^}]*outcome="existing"/);
    expect(text).toMatch(/custody_bus_corrupt_records_total\{topic="[^"]*customer-data[^"]*"\} 1\b/);
    expect(text).toMatch(/custody_consumer_lag_records\{[^}]*\} 0\b/);

    const events = running
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'bus_record_corrupt');
    const partitionOf = (file: string) => Number(basename(dirname(file)));
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: expect.stringContaining('customer-data'),
          partition: partitionOf(data.file),
          offset: 6,
          after_offset: 5,
          before_offset: 7,
          segment_file: data.file,
          file_position: data.victim.start,
          records: 1,
        }),
        expect.objectContaining({
          topic: expect.stringContaining('audit'),
          partition: partitionOf(audit.file),
          offset: audit.index,
          file_position: audit.victim.start,
          records: 1,
        }),
      ]),
    );
    expect(events).toHaveLength(2);
    expect(text).toMatch(/custody_bus_corrupt_records_total\{topic="[^"]*audit[^"]*"\} 1\b/);

    // the audit trail too: every event in the log, before and after the damage, reaches the WORM store
    await auditArchived(auditBefore);

    // moved aside, not dropped: the quarantine file of each partition holds the damaged bytes
    for (const { file, damaged } of [data, audit]) {
      expect(readFileSync(join(dirname(file), 'quarantine')).includes(damaged)).toBe(true);
      // damage in the middle moves no offsets: no segment was started above a damaged tail
      expect(readdirSync(dirname(file)).filter((f) => f.endsWith('.log'))).toEqual([basename(file)]);
    }

    await stop(running);
    running = undefined;

    // item 7: two starts left only the durable groups' offset files, no per-start readers, no temporaries
    const groups = readdirSync(join(dataDir, 'bus', 'groups'));
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.filter((g) => /reader|\.tmp$/.test(g))).toEqual([]);
  });
});
