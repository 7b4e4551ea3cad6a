import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killGroup, npmStart, type StartedCustody } from '../support/process';
import { waitFor } from '../support/stack';
import { apiSearch, postWebhook, textWebhook } from '../support/whatsapp';

/** The frames of an intact partition file: `[u32 length][u32 CRC-32][JSON payload]`. */
function frames(file: string): Array<{ start: number; payloadStart: number; end: number; envelopeId: string }> {
  const bytes = readFileSync(file);
  const out: Array<{ start: number; payloadStart: number; end: number; envelopeId: string }> = [];
  for (let pos = 0; pos < bytes.length; ) {
    const length = bytes.readUInt32BE(pos);
    const payload = JSON.parse(bytes.subarray(pos + 8, pos + 8 + length).toString('utf8')) as { v: string };
    const envelope = JSON.parse(Buffer.from(payload.v, 'base64').toString('utf8')) as { id: string };
    out.push({ start: pos, payloadStart: pos + 8, end: pos + 8 + length, envelopeId: envelope.id });
    pos += 8 + length;
  }
  return out;
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
 * records reused old offsets and were never archived. Now the damaged record is moved aside and
 * reported, and every acknowledged webhook is archived exactly once.
 */
describe('npm start (embedded) with a corrupt record in the middle of a log partition', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-e2e-corrupt-'));
  const metricsToken = `metrics-${randomBytes(12).toString('hex')}`;
  let running: StartedCustody | undefined;

  afterAll(async () => {
    if (running) killGroup(running.child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every acknowledged record is archived exactly once; the corruption is on /metrics and in the log', async () => {
    const port = String(await freePort());
    const env = { CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: port, CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(metricsToken).digest('hex') };
    running = await npmStart(env);
    const auth = { authorization: `Bearer ${running.bootstrapToken}`, 'content-type': 'application/json' };
    const appSecret = 'corrupt-app-secret';
    const put = await fetch(`${running.url}/v1/admin/connectors/corrupt-wa`, { method: 'PUT', headers: auth, body: JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret, verifyToken: 'corrupt-verify-token' } }) });
    expect(put.status).toBe(201);
    const keyRes = await fetch(`${running.url}/v1/admin/api-keys`, { method: 'POST', headers: auth, body: JSON.stringify({ role: 'compliance' }) });
    const compliance = (await keyRes.json()).token as string;
    const run = `run${Date.now().toString(36)}`;
    const searchRun = async (url: string) => (await apiSearch(url, compliance, { text: run, size: 100 })).body as { total: number; hits: Array<{ id: string }> };

    // one sender, one conversation: every record lands in the same partition, in order
    const before = Array.from({ length: 12 }, (_, i) => `${run} before${i} acknowledged`);
    for (const text of before) expect((await postWebhook(running.url, 'corrupt-wa', textWebhook(text).body, appSecret)).status).toBe(200);
    await waitFor('the 12 first records archived and searchable', async () => ((await searchRun(running!.url)).total === 12 ? true : undefined), 60_000);
    await stop(running);
    running = undefined;

    // flip one byte in the middle record of the customer-data partition that holds them
    const topicDir = join(dataDir, 'bus', 'topics', readdirSync(join(dataDir, 'bus', 'topics')).find((t) => t.includes('customer-data'))!);
    const file = readdirSync(topicDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => join(topicDir, f))
      .find((f) => frames(f).length > 0)!;
    const inFile = frames(file);
    expect(inFile).toHaveLength(12);
    const victim = inFile[6]!;
    const bytes = readFileSync(file);
    const flipAt = Math.floor((victim.payloadStart + victim.end) / 2);
    bytes[flipAt]! ^= 0x01;
    writeFileSync(file, bytes);

    running = await npmStart(env);
    const url = running.url;
    const after = Array.from({ length: 10 }, (_, i) => `${run} after${i} acknowledged`);
    for (const text of after) expect((await postWebhook(url, 'corrupt-wa', textWebhook(text).body, appSecret)).status).toBe(200);

    const all = await waitFor('all 22 acknowledged records searchable', async () => {
      const r = await searchRun(url);
      return r.total >= 22 ? r : undefined;
    }, 60_000);
    expect(all.total).toBe(22);
    expect(new Set(all.hits.map((h) => h.id)).size).toBe(22);
    for (const text of [...before, ...after]) expect((await apiSearch(url, compliance, { text })).body.total).toBe(1);

    // the damaged record's webhook was archived before the damage: it is still there, intact, once
    const rec = await fetch(`${url}/v1/records/${victim.envelopeId}`, { headers: { authorization: `Bearer ${compliance}` } });
    expect(rec.status).toBe(200);
    expect((await rec.json()).verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });

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
    expect(events).toEqual([
      expect.objectContaining({ topic: expect.stringContaining('customer-data'), partition: Number(file.match(/(\d+)\.log$/)![1]), offset: 6, after_offset: 5, before_offset: 7, file_position: victim.start, records: 1 }),
    ]);

    // moved aside, not dropped: the quarantine file beside the partition holds the damaged bytes
    const quarantine = readFileSync(`${file}.corrupt`);
    expect(quarantine.includes(bytes.subarray(victim.start, victim.end))).toBe(true);
    expect(existsSync(`${file}.next`)).toBe(false); // damage in the middle moves no offsets

    await stop(running);
    running = undefined;

    // item 7: two starts left only the durable groups' offset files, no per-start readers, no temporaries
    const groups = readdirSync(join(dataDir, 'bus', 'groups'));
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.filter((g) => /reader|\.tmp$/.test(g))).toEqual([]);
  });
});
