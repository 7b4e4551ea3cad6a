import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ArchiveStore } from '@custody/archive-store';
import type { BusRecord } from '@custody/bus';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, apiCall } from '@custody/testing/stack';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';

/**
 * Retention, legal holds and disposition with retentions of seconds, on the real stack (Kafka,
 * MinIO Object Lock, OpenSearch) and, unchanged, on the embedded adapters.
 */
describe.each(['stack', 'embedded'] as const)('retention, holds and disposition (%s)', (mode) => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let dataDir: string | undefined;
  const audit: BusRecord[] = [];

  beforeAll(async () => {
    dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'custody-gov-')) : undefined;
    // the operator released one preset of acme's (and only that one): every start audits it
    sc = stackConfig({
      CUSTODY_MIN_LOCK_SECONDS: '1',
      CUSTODY_RELEASE_PRESETS: 'acme:cftc-1.31',
      ...(dataDir && { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir }),
    });
    custody = await startCustody(sc.config, testLogger());
    await custody.adapters.bus.subscribe({ groupId: `audit-reader-${sc.name}`, topics: [custody.topics.audit], onBatch: async (r) => void audit.push(...r) });
  });
  afterAll(async () => {
    await custody?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (token: string, method: string, path: string, body?: unknown) => apiCall(custody.url, token, method, path, body);
  const admin = (m: string, p: string, b?: unknown) => call(sc.keys.admin.token, m, p, b);
  const legal = (m: string, p: string, b?: unknown) => call(sc.keys.legal.token, m, p, b);

  async function archive(text: string, from: string, at?: Date) {
    const hook = textWebhook(text, { from, at });
    expect((await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret)).status).toBe(200);
    const found = await waitFor(`"${text}" searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.body.total === 1 ? r.body.hits[0] : undefined;
    });
    return found as { id: string; archive: { key: string; versionId: string } };
  }
  const lockOf = (r: { archive: { key: string; versionId: string } }) => custody.adapters.store.head(r.archive.key, r.archive.versionId);
  const holdDone = (id: string) =>
    waitFor(
      `hold ${id} job done`,
      async () => {
        const r = await legal('GET', `/v1/holds/${id}`);
        return r.body.hold.job.state === 'done' ? r.body : undefined;
        // a job sets or clears the S3 legal hold of every record it covers (150 in the bulk test): slow on a loaded machine
      },
      120_000,
      500,
    );
  const dispose = async () => {
    const r = await admin('POST', '/v1/admin/disposition', { dryRun: false });
    expect(r.status).toBe(200);
    return r.body as { disposed: Array<{ key: string; sha256: string }>; kept: Record<string, number>; certificate: { key: string; versionId: string } };
  };
  const gone = async (r: { id: string; archive: { key: string } }) => {
    expect(await custody.adapters.store.head(r.archive.key)).toBeNull();
    expect((await call(sc.keys.compliance.token, 'GET', `/v1/records/${r.id}`)).status).toBe(404);
  };

  test('held records survive disposition until every hold covering them is released; unheld expired records go', async () => {
    const put = await admin('PUT', '/v1/admin/retention', { default: { value: 4, unit: 'seconds' } });
    expect(put.status).toBe(200);
    expect(put.body.settings.version).toBe(1);

    const a = await archive(`alpha ${sc.name} ordinary`, '16505550001');
    const b = await archive(`bravo ${sc.name} ordinary`, '16505550002');
    const c = await archive(`charlie ${sc.name} merger talk`, '16505550001');

    // roles: only legal places holds
    expect((await admin('POST', '/v1/holds', { matter: 'm', reason: 'r', scope: { query: 'x' } })).status).toBe(403);
    expect((await call(sc.keys.compliance.token, 'POST', '/v1/holds', { matter: 'm', reason: 'r', scope: { query: 'x' } })).status).toBe(403);
    expect((await legal('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'days' } })).status).toBe(403);

    const h1 = await legal('POST', '/v1/holds', { matter: 'SEC v. Acme', reason: 'subpoena 2026-11', scope: { participants: ['+1 650 555 0001'] } });
    expect(h1.status).toBe(202);
    const h2 = await legal('POST', '/v1/holds', { matter: 'Merger review', reason: 'internal investigation', scope: { query: 'merger' } });
    expect((await holdDone(h1.body.hold.id)).recordsHeld).toBe(2);
    expect((await holdDone(h2.body.hold.id)).recordsHeld).toBe(1);
    expect((await lockOf(a))?.legalHold).toBe(true);
    expect((await lockOf(b))?.legalHold).toBe(false);
    expect((await lockOf(c))?.legalHold).toBe(true);

    await waitFor(
      'retention of the three records to pass',
      async () => ((await lockOf(c))!.retainUntil! < new Date() && (await lockOf(b))!.retainUntil! < new Date() ? true : undefined),
      15_000,
      250,
    );
    // no body (or no dryRun) is a dry run: it lists what would go and deletes nothing
    for (const body of [undefined, {}]) {
      const dry = await admin('POST', '/v1/admin/disposition', body);
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, disposed: [{ key: b.archive.key }] });
      expect(dry.body.certificate).toBeUndefined();
      expect(await lockOf(b)).not.toBeNull();
    }
    const first = await dispose();
    expect(first.disposed.map((d) => d.key)).toEqual([b.archive.key]);
    expect(first.kept.legalHold).toBeGreaterThanOrEqual(2);
    await gone(b);

    // the store itself refuses to delete a held record
    await expect(custody.adapters.store.deleteVersion(a.archive.key, a.archive.versionId)).rejects.toMatchObject({ code: 'locked' });
    if (mode === 'stack') {
      const s3 = custody.adapters.store as S3ArchiveStore;
      await expect(s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: a.archive.key, VersionId: a.archive.versionId }))).rejects.toBeDefined();
    }

    // releasing H1 frees alpha; charlie stays held by H2
    expect((await legal('POST', `/v1/holds/${h1.body.hold.id}/release`, { reason: 'matter settled' })).status).toBe(202);
    await holdDone(h1.body.hold.id);
    expect((await lockOf(a))?.legalHold).toBe(false);
    expect((await lockOf(c))?.legalHold).toBe(true);
    const second = await dispose();
    expect(second.disposed.map((d) => d.key)).toEqual([a.archive.key]);
    expect((await lockOf(c))?.legalHold).toBe(true);

    expect((await legal('POST', `/v1/holds/${h2.body.hold.id}/release`, { reason: 'review closed' })).status).toBe(202);
    await holdDone(h2.body.hold.id);
    const third = await dispose();
    expect(third.disposed.map((d) => d.key)).toEqual([c.archive.key]);
    await gone(a);
    await gone(c);

    // the certificate is itself archived under lock, and names what went, with hashes
    const cert = await custody.adapters.store.get(third.certificate.key, third.certificate.versionId);
    expect(cert.info.retainUntil!.getTime()).toBeGreaterThan(Date.now() + 5 * 365 * 86_400_000);
    const body = JSON.parse(cert.body.toString('utf8'));
    expect(body).toMatchObject({ tenant: 'acme', dryRun: false, policyVersion: 1, disposed: [{ key: c.archive.key }] });
    expect(body.disposed[0].sha256).toMatch(/^[0-9a-f]{64}$/);

    // the hold report, as JSON and CSV
    const report = await legal('GET', '/v1/holds/report');
    expect(report.body.holds.map((h: { matter: string; status: string; releasedBy: string }) => [h.matter, h.status, Boolean(h.releasedBy)])).toEqual([
      ['SEC v. Acme', 'released', true],
      ['Merger review', 'released', true],
    ]);
    const csv = await legal('GET', '/v1/holds/report?format=csv');
    expect(csv.body).toContain('SEC v. Acme');
    expect(String(csv.body).split('\r\n')[0]).toBe('id,matter,status,reason,scope,placedBy,placedAt,releasedBy,releasedAt,releaseReason,recordsHeld,job');

    // every hold, release, retention change and disposition run is in the audit trail
    await waitFor('audit events', async () => {
      const actions = audit.map((r) => JSON.parse(r.value.toString()).action);
      return ['holds.place', 'holds.release', 'retention.change', 'disposition.run'].every((a) => actions.includes(a)) ? true : undefined;
    });
  });

  test('a hold released while its placement still runs leaves no record held (index marks and WORM flags)', async () => {
    const from = '16505550077';
    const n = 150;
    for (let i = 0; i < n; i += 10) {
      const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => textWebhook(`bulk ${sc.name} ${i + j}`, { from }));
      await Promise.all(batch.map(async (hook) => expect((await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret)).status).toBe(200)));
    }
    const records = await waitFor(
      `${n} records searchable`,
      async () => {
        const all: Array<{ id: string; archive: { key: string; versionId: string } }> = [];
        let cursor: string | undefined;
        do {
          const r = await apiSearch(custody.url, sc.keys.compliance.token, { participant: `+${from}`, size: 100, ...(cursor && { cursor }) });
          all.push(...r.body.hits);
          cursor = r.body.cursor;
        } while (cursor);
        return all.length === n ? all : undefined;
      },
      120_000,
      500,
    );

    const placed = await legal('POST', '/v1/holds', { matter: 'Bulk matter', reason: 'preserve', scope: { participants: [`+${from}`] } });
    expect(placed.status).toBe(202);
    const id = placed.body.hold.id;
    // at once, while the placement job works through the records
    const released = await legal('POST', `/v1/holds/${id}/release`, { reason: 'filed in error' });
    expect(released.status).toBe(202);
    expect((await legal('POST', `/v1/holds/${id}/release`, { reason: 'again' })).status).toBe(409);

    const done = await holdDone(id);
    expect(done.hold).toMatchObject({ status: 'released', job: { kind: 'release', state: 'done' } });
    expect(done.recordsHeld).toBe(0);
    const held = await Promise.all(records.map(async (r) => (await lockOf(r))!.legalHold));
    expect(held.filter(Boolean)).toHaveLength(0);
    expect(done.hold.job.processed).toBeLessThanOrEqual(done.hold.job.total);

    // the same records held and released in turn: progress counts each record once, with a total
    const again = await legal('POST', '/v1/holds', { matter: 'Bulk matter 2', reason: 'preserve', scope: { participants: [`+${from}`] } });
    const placedDone = await holdDone(again.body.hold.id);
    expect(placedDone.hold.job).toMatchObject({ kind: 'place', total: n, processed: n, matched: n });
    expect(placedDone.recordsHeld).toBe(n);
    expect((await legal('POST', `/v1/holds/${again.body.hold.id}/release`, { reason: 'done' })).status).toBe(202);
    const releaseDone = await holdDone(again.body.hold.id);
    expect(releaseDone.hold.job).toMatchObject({ kind: 'release', total: n, processed: n, matched: n });
    expect((await Promise.all(records.map(async (r) => (await lockOf(r))!.legalHold))).filter(Boolean)).toHaveLength(0);
    // 150 records through capture, two placements and two releases: its waits alone may take the project's default timeout
  }, 300_000);

  test('a directory entry added after capture resolves the earlier records: search and custodian holds find them', async () => {
    const search = async (q: Record<string, unknown>) =>
      (await apiSearch(custody.url, sc.keys.compliance.token, q)).body as {
        total: number;
        hits: Array<{ id: string; employeeIds: string[]; unmapped: string[]; direction: string; holds: string[] }>;
      };
    const g = await archive(`golf ${sc.name} before the mapping`, '16505550091');
    const h = await archive(`hotel ${sc.name} before the mapping`, '16505550092');
    expect((await search({ text: `golf ${sc.name}` })).hits[0]).toMatchObject({ employeeIds: [], unmapped: expect.arrayContaining(['+16505550091']) });

    // a custodian hold placed before anyone knew the number: it holds nothing yet
    const early = await legal('POST', '/v1/holds', { matter: 'Early custodian', reason: 'preserve', scope: { custodians: ['emp-hotel'] } });
    expect((await holdDone(early.body.hold.id)).recordsHeld).toBe(0);

    expect((await admin('PUT', '/v1/admin/directory/emp-golf', { name: 'Gina Golf', identifiers: [{ kind: 'phone', value: '+1 650 555 0091' }] })).status).toBe(
      201,
    );
    expect((await admin('PUT', '/v1/admin/directory/emp-hotel', { identifiers: [{ kind: 'phone', value: '+16505550092' }] })).status).toBe(201);

    const found = await waitFor('the earlier message found by employeeId', async () => {
      const r = await search({ employeeId: 'emp-golf' });
      return r.total === 1 ? r.hits[0] : undefined;
    });
    expect(found).toMatchObject({ id: g.id, employeeIds: ['emp-golf'], direction: 'outbound' });
    expect(found.unmapped).not.toContain('+16505550091');
    expect((await search({ unmapped: '+16505550091' })).total).toBe(0);
    // the archived envelope is evidence and stays as captured
    expect((await call(sc.keys.compliance.token, 'GET', `/v1/records/${g.id}`)).body.envelope.sender.employeeId).toBeUndefined();

    // a hold by custodian placed now covers the earlier message
    const late = await legal('POST', '/v1/holds', { matter: 'Late custodian', reason: 'preserve', scope: { custodians: ['emp-golf'] } });
    expect((await holdDone(late.body.hold.id)).recordsHeld).toBe(1);
    expect((await lockOf(g))?.legalHold).toBe(true);

    // and the active hold placed before the mapping now covers that person's earlier message too
    await waitFor('the early custodian hold to cover the newly resolved record', async () =>
      (await search({ holdId: early.body.hold.id })).total === 1 ? true : undefined,
    );
    expect((await lockOf(h))?.legalHold).toBe(true);

    for (const id of [late.body.hold.id, early.body.hold.id]) {
      expect((await legal('POST', `/v1/holds/${id}/release`, { reason: 'done' })).status).toBe(202);
      await holdDone(id);
    }
    expect((await lockOf(g))?.legalHold).toBe(false);
    expect((await lockOf(h))?.legalHold).toBe(false);
  });

  test('a shortened setting leaves existing locks untouched; an extended one can be applied to them', async () => {
    expect((await admin('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'days' }, presets: [] })).status).toBe(200);
    const d = await archive(`delta ${sc.name} kept a day`, '16505550003');
    const before = (await lockOf(d))!.retainUntil!;
    expect(before.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    expect((await admin('PUT', '/v1/admin/retention', { default: { value: 2, unit: 'seconds' } })).status).toBe(200);
    const applied = await admin('POST', '/v1/admin/retention/apply');
    expect(applied.body.extended).toBe(0);
    expect((await lockOf(d))!.retainUntil!.getTime()).toBe(before.getTime());
    // and the lock cannot be shortened through the store either
    await expect(custody.adapters.store.extendRetention(d.archive.key, d.archive.versionId, new Date(Date.now() + 60_000))).rejects.toMatchObject({
      code: 'locked',
    });

    expect(
      (await admin('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'days' }, byChannel: { whatsapp: { value: 2, unit: 'days' } } })).status,
    ).toBe(200);
    expect((await admin('POST', '/v1/admin/retention/apply')).body.extended).toBeGreaterThanOrEqual(1);
    const after = (await lockOf(d))!.retainUntil!;
    expect(after.getTime() - before.getTime()).toBe(86_400_000);

    // a regulatory preset is a floor: a setting under it is refused, naming the preset and its floor
    const under = await admin('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'days' }, presets: ['sec-17a-4'] });
    expect(under.status).toBe(400);
    expect(under.body.error.message).toMatch(/default \(1 days\).*sec-17a-4.*6 years/);
    expect((await admin('PUT', '/v1/admin/retention', { default: { value: 6, unit: 'years' }, presets: ['sec-17a-4', 'cftc-1.31'] })).status).toBe(200);

    // once enabled, a preset can be neither dropped nor undercut through the API ...
    const dropped = await admin('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'seconds' }, presets: [] });
    expect(dropped.status).toBe(409);
    expect(dropped.body.error.message).toMatch(/sec-17a-4.*6 years/);
    const undercut = await admin('PUT', '/v1/admin/retention', {
      default: { value: 6, unit: 'years' },
      byChannel: { whatsapp: { value: 1, unit: 'seconds' } },
      presets: ['sec-17a-4', 'cftc-1.31'],
    });
    expect(undercut.status).toBe(400);
    expect(undercut.body.error.message).toMatch(/byChannel\.whatsapp.*sec-17a-4.*6 years/);
    // ... except for what the operator released in the environment
    expect((await admin('PUT', '/v1/admin/retention', { default: { value: 6, unit: 'years' }, presets: ['sec-17a-4'] })).status).toBe(200);
    expect((await admin('GET', '/v1/admin/retention')).body.settings.presets).toEqual(['sec-17a-4']);
    await waitFor('the operator release audited at start-up', async () =>
      audit
        .map((r) => JSON.parse(r.value.toString()))
        .find((e) => e.action === 'retention.preset_release' && e.tenant === 'acme' && e.target === 'cftc-1.31' && e.actor.keyId === 'operator'),
    );

    const e = await archive(`echo ${sc.name} under the floor`, '16505550003');
    expect((await lockOf(e))!.retainUntil!.getTime()).toBeGreaterThan(Date.now() + 5.9 * 365 * 86_400_000);
    // a message sent 8 years ago is past its 6 years, and still gets the minimum lock when archived today
    const before8 = Date.now();
    const old = await archive(`foxtrot ${sc.name} eight years old`, '16505550003', new Date(Date.now() - 8 * 365.25 * 86_400_000));
    expect((await lockOf(old))!.retainUntil!.getTime()).toBeGreaterThanOrEqual(before8 + 1000);
  });
});
