import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@custody/testing';
import { REPO_ROOT, killGroup, npmStart, type StartedCustody, keyOnHost } from '@custody/testing/process';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';
import { webhookId } from '@custody/api';

/**
 * `npm start` on the embedded default: acknowledged webhooks survive a SIGKILL and are archived and
 * searchable exactly once after the restart; the bootstrap key is printed on the first start only.
 */
describe('npm start (embedded) across a SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-e2e-'));
  let running: StartedCustody | undefined;
  let compliance: string;
  let run: string;
  /** What the index said of every record before it was lost: holds, archived version, record log position. */
  let before: Map<string, { holds: string[]; archive: unknown; logSequence: number }>;
  const snapshot = async (url: string) => {
    const hits = (await apiSearch(url, compliance, { text: run, size: 100 })).body.hits as Array<{ id: string; holds: string[]; archive: unknown }>;
    const out = new Map<string, { holds: string[]; archive: unknown; logSequence: number }>();
    for (const h of hits) {
      const rec = await (await fetch(`${url}/v1/records/${h.id}`, { headers: { authorization: `Bearer ${compliance}` } })).json();
      out.set(h.id, { holds: h.holds, archive: h.archive, logSequence: rec.verification.logSequence });
    }
    return out;
  };

  afterAll(async () => {
    if (running) killGroup(running.child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every acknowledged record is archived and searchable exactly once after kill -9 and restart', async () => {
    const port = String(await freePort());
    const env = { CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: port };
    // reading records needs a compliance key, which only the operator creates first (separation of duties)
    compliance = await keyOnHost({ CUSTODY_DATA_DIR: dataDir }, 'default', 'compliance');
    const legal = await keyOnHost({ CUSTODY_DATA_DIR: dataDir }, 'default', 'legal');
    running = await npmStart(env);
    const admin = running.bootstrapToken;
    expect(admin).toMatch(/^cust_bootstrap-admin_/);
    const url = running.url;
    const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };

    const appSecret = 'restart-app-secret';
    const put = await fetch(`${url}/v1/admin/connectors/restart-wa`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret, verifyToken: 'restart-verify-token' } }),
    });
    expect(put.status).toBe(201);

    run = `run${Date.now().toString(36)}`;
    const first = textWebhook(`${run} first message before the crash`);
    expect((await postWebhook(url, webhookId('default', 'restart-wa'), first.body, appSecret)).status).toBe(200);
    await waitFor('the first record to be searchable', async () =>
      (await apiSearch(url, compliance, { text: `${run} first` })).body.total === 1 ? true : undefined,
    );

    // acknowledge a burst, then kill -9 at once: no graceful anything
    const burst = Array.from({ length: 20 }, (_, i) => textWebhook(`${run} burst${i} acknowledged before kill`));
    const statuses = await Promise.all(burst.map((b) => postWebhook(url, webhookId('default', 'restart-wa'), b.body, appSecret).then((r) => r.status)));
    expect(statuses).toEqual(burst.map(() => 200));
    killGroup(running.child, 'SIGKILL');
    await running.exited;

    running = await npmStart(env);
    expect(running.bootstrapToken).toBeUndefined();
    expect(running.output()).not.toContain('Bootstrap admin API key');

    const all = await waitFor(
      'all 21 acknowledged records searchable after restart',
      async () => {
        const r = await apiSearch(running!.url, compliance, { text: run, size: 100 });
        return r.body.total >= 21 ? r.body : undefined;
      },
      60_000,
    );
    expect(all.total).toBe(21);
    expect(new Set(all.hits.map((h: { id: string }) => h.id)).size).toBe(21);
    for (let i = 0; i < 20; i++) {
      const one = await apiSearch(running.url, compliance, { text: `${run} burst${i}` });
      expect(one.body.total).toBe(1);
    }
    const rec = await fetch(`${running.url}/v1/records/${all.hits[0].id}`, { headers: { authorization: `Bearer ${compliance}` } });
    expect(rec.status).toBe(200);
    expect((await rec.json()).verification).toMatchObject({
      objectSha256: 'match',
      envelopeIntegrity: 'match',
      recordLog: expect.stringMatching(/^(match|pending)$/),
    });

    // a hold on part of the burst, and every record's place in the record log, before the index is lost below
    const hold = await fetch(`${running.url}/v1/holds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${legal}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matter: 'Restart matter', reason: 'preserve the burst', scope: { query: 'burst1' } }),
    });
    expect(hold.status).toBe(202);
    const holdId = ((await hold.json()) as { hold: { id: string } }).hold.id;
    before = await waitFor('the hold applied and every record in a signed log', async () => {
      const s = await snapshot(running!.url);
      const held = [...s.values()].filter((r) => r.holds.includes(holdId)).length;
      return held === 1 && [...s.values()].every((r) => r.logSequence !== undefined) ? s : undefined;
    });
    expect(before.size).toBe(21);

    // SIGTERM (to the group, as a service manager sends it) is a clean shutdown that releases the data-dir lock
    killGroup(running.child, 'SIGTERM');
    await running.exited;
    await waitFor('Custody to report a clean stop', async () => (running!.output().includes('Custody stopped cleanly') ? true : undefined), 15_000);
    expect(existsSync(join(dataDir, 'custody.lock'))).toBe(false);
    running = undefined;
  });

  test('`custody reindex` rebuilds a lost index from the WORM store: every record searchable again, exactly once', async () => {
    // the scenario above left 21 records of tenant "default"; lose the whole index
    renameSync(join(dataDir, 'index'), join(dataDir, 'index-lost'));
    const reindex = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'node',
        ['bin/custody.js', 'reindex', '--tenant', 'default'],
        { cwd: REPO_ROOT, env: { ...process.env, CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(reindex).toMatchObject({ code: 0, stderr: expect.stringContaining('reindexed 21 of 21 record(s) of tenant "default"') });
    expect(JSON.parse(reindex.stdout)).toMatchObject({ tenant: 'default', records: 21, indexed: 21, failed: [] });

    running = await npmStart({ CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: String(await freePort()) });
    const all = await apiSearch(running.url, compliance, { text: 'acknowledged before kill', size: 100 });
    expect(all.body.total).toBe(20);
    expect(new Set(all.body.hits.map((h: { id: string }) => h.id)).size).toBe(20);
    expect((await apiSearch(running.url, compliance, { text: 'first message before the crash' })).body.total).toBe(1);
    // the same records, with the same holds, versions and record log positions as before the loss
    expect(await snapshot(running.url)).toEqual(before);
  });
});
