/**
 * The verifiable-archive tests, the same on every adapter set: records and audit events captured,
 * logged and checkpointed; proofs checked with nothing but the published key; the archive verified
 * whole, then altered behind Custody's back the ways an insider could, each alteration named.
 */
import { randomBytes } from 'node:crypto';
import { checkpointKey, type ArchiveStore } from '@custody/archive-store';
import { integrityHash } from '@custody/envelope';
import {
  hashLeaf,
  leafBytes,
  parseCheckpoint,
  publicKeyFromBase64,
  signCheckpoint,
  signingKeyFromSeed,
  verifiedSigners,
  verifyConsistency,
  verifyInclusion,
  type SequencedLeaf,
  type SignedCheckpoint,
} from '@custody/record-log';
import { custodyCli } from './process';
import { waitFor } from './wait';
import { apiSearch, postWebhook, textWebhook } from './whatsapp';

export type Alteration = 'altered' | 'extra_version';

export interface RunningForVerification {
  url: string;
  tokens: { admin: string; compliance: string; auditor: string; globex: string };
  whatsapp: { acme: { instance: string; secret: string }; globex: { instance: string; secret: string } };
  /** The archive store, opened beside the running Custody (what an insider with store access holds). */
  store: ArchiveStore;
  /** Replaces a stored version's bytes with every hash recomputed: in place where the store allows it (a directory), else as a new version. */
  rewrite(key: string, change: (body: Buffer) => Buffer): Promise<Alteration>;
  /** Adds a newer version of `key` beside the original. */
  addVersion(key: string, change: (body: Buffer) => Buffer): Promise<void>;
  /** Deletes a stored object behind the store's back; absent where the locked store prevents it (the stack covers it in a bucket without lock). */
  remove?(key: string): Promise<void>;
  /** Moves a stored version's retain-until back behind the store's back; absent where the locked store prevents it. */
  shortenRetention?(key: string, until: string): Promise<void>;
  /** Environment for `custody` CLI child processes on the same data. */
  cliEnv: Record<string, string>;
  /** The embedded data directory belongs to one process: the CLI runs once Custody is stopped. */
  cliNeedsStop: boolean;
  stop(): Promise<void>;
}

async function api(r: RunningForVerification, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${r.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/** A record's text replaced and its envelope integrity recomputed: a forgery only the record log can tell. */
const forgeText = (text: string) => (body: Buffer) => {
  const env = JSON.parse(body.toString('utf8'));
  env.content.text = text;
  env.integrity = { sha256: integrityHash(env) };
  return Buffer.from(JSON.stringify(env));
};

export function verificationSuite(name: string, start: () => Promise<RunningForVerification>): void {
  describe(`verifiable archive (${name})`, () => {
    let r: RunningForVerification;
    const ids: string[] = [];
    let publicKey: { keyId: string; publicKey: string };

    const post = async (instance: { instance: string; secret: string }, text: string) => {
      const m = textWebhook(text, { from: '16505551234' });
      const res = await postWebhook(r.url, instance.instance, m.body, instance.secret);
      expect(res.status).toBe(200);
    };
    const searchable = (token: string, n: number) =>
      waitFor(`${n} records searchable`, async () => {
        const s = await apiSearch(r.url, token, { sort: 'oldest', size: 50 });
        // by the message number in the text: messages posted within one second share their sentAt
        const number = (h: { text: string }) => Number(/message (\d+)/.exec(h.text)?.[1]);
        return s.body.total >= n ? [...s.body.hits].sort((a, b) => number(a) - number(b)).map((h: { id: string }) => h.id) : undefined;
      });
    const proof = (id: string, minSize = 0) =>
      waitFor(
        `a signed checkpoint covering ${id}`,
        async () => {
          const p = await api(r, r.tokens.compliance, 'GET', `/v1/records/${id}/proof`);
          return p.status === 200 && p.body.inclusion.treeSize >= minSize ? p.body : undefined;
        },
        30_000,
        250,
      );
    const verify = async (body: Record<string, unknown> = {}) => {
      const started = await api(r, r.tokens.admin, 'POST', '/v1/admin/verify', body);
      expect(started.status).toBe(202);
      return waitFor(
        'the verification run',
        async () => {
          const run = await api(r, r.tokens.admin, 'GET', started.body.href);
          return run.body.status !== 'running' ? run.body : undefined;
        },
        60_000,
        250,
      );
    };
    const keyOf = async (id: string) => (await api(r, r.tokens.compliance, 'GET', `/v1/records/${id}`)).body.archive.key as string;

    beforeAll(async () => {
      r = await start();
      for (let i = 0; i < 5; i++) await post(r.whatsapp.acme, `acme message ${i} about the bond order`);
      for (let i = 0; i < 2; i++) await post(r.whatsapp.globex, `globex message ${i}`);
      ids.push(...(await searchable(r.tokens.compliance, 5)));
      await searchable(r.tokens.globex, 2);
      const keys = await api(r, r.tokens.compliance, 'GET', '/v1/verification/keys');
      expect(keys.status).toBe(200);
      publicKey = keys.body.keys[0];
    }, 120_000);
    afterAll(() => r?.stop());

    test('a record proves its inclusion in a signed checkpoint with the published key alone, and later checkpoints extend earlier ones', async () => {
      const p = await proof(ids[0]);
      const leaf = p.leaf as SequencedLeaf;
      const record = (await api(r, r.tokens.compliance, 'GET', `/v1/records/${ids[0]}`)).body;
      // the leaf names exactly the version served, and the read checked it against the log
      expect(leaf).toMatchObject({ kind: 'record', id: ids[0], key: record.archive.key, versionId: record.archive.versionId, sha256: record.archive.sha256 });
      expect(record.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match', logSequence: leaf.sequence });
      expect(leaf.envelopeSha256).toBe(record.envelope.integrity.sha256);
      const leafHash = hashLeaf(leafBytes(leaf));
      expect(leafHash.toString('hex')).toBe(p.leafHash);
      const cp = p.checkpoint.signed as SignedCheckpoint;
      const body = parseCheckpoint(cp.body);
      expect(body).toMatchObject({ tenant: 'acme', size: p.inclusion.treeSize });
      expect(verifiedSigners(cp, [publicKeyFromBase64(publicKey.publicKey)])).toEqual([publicKey.keyId]);
      expect(verifiedSigners(cp, [publicKeyFromBase64(signingKeyFromSeed(randomBytes(32)).publicKeyBase64)])).toEqual([]);
      const path = p.inclusion.path.map((h: string) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(leaf.sequence, p.inclusion.treeSize, leafHash, path, Buffer.from(body.root, 'hex'))).toBe(true);
      expect(verifyInclusion(leaf.sequence, p.inclusion.treeSize, hashLeaf(Buffer.from('forged')), path, Buffer.from(body.root, 'hex'))).toBe(false);
      // another tenant cannot name it
      expect((await api(r, r.tokens.globex, 'GET', `/v1/records/${ids[0]}/proof`)).status).toBe(404);

      for (let i = 5; i < 8; i++) await post(r.whatsapp.acme, `acme message ${i} after the first checkpoint`);
      const all = await searchable(r.tokens.compliance, 8);
      const later = await proof(all[7], body.size + 1);
      const consistency = await api(r, r.tokens.compliance, 'GET', `/v1/verification/consistency?from=${body.size}&to=${later.inclusion.treeSize}`);
      expect(consistency.status).toBe(200);
      const [a, b] = [parseCheckpoint(consistency.body.from.signed.body), parseCheckpoint(consistency.body.to.signed.body)];
      const cpath = consistency.body.path.map((h: string) => Buffer.from(h, 'hex'));
      expect(verifyConsistency(a.size, b.size, Buffer.from(a.root, 'hex'), Buffer.from(b.root, 'hex'), cpath)).toBe(true);
      expect(b.previous).not.toBeNull();
    });

    test('the intact archive verifies: every stored version re-hashed against its leaf, every checkpoint signed and chained, the audit trail a whole hash chain, the index matching the log', async () => {
      const run = await verify({ audit: true });
      expect(run.status).toBe('done');
      expect(run.report.problems).toEqual([]);
      expect(run.report).toMatchObject({ ok: true, tenant: 'acme', scope: { index: true, audit: true } });
      expect(run.report.counts.stored).toBeGreaterThanOrEqual(8);
      expect(run.report.counts.rehashed).toBe(run.report.counts.stored - run.report.counts.pending);
      expect(run.report.counts.indexed).toBe(8);
      expect(run.report.log.checkpoints).toBeGreaterThanOrEqual(2);
      expect((await r.store.head(`tenants/acme/verification/${run.runId}.json`))?.size).toBeGreaterThan(0);
    });

    test("the day's reconciliation balances: every record received was archived and indexed, counted across the processes", async () => {
      const today = new Date().toISOString().slice(0, 10);
      // each process writes its counts every 10 s: the one serving the API sees the others' within that
      const report = await waitFor(
        'the reconciliation to count 8 archived and indexed',
        async () => {
          const res = await api(r, r.tokens.compliance, 'GET', `/v1/admin/reconciliation?date=${today}`);
          expect(res.status).toBe(200);
          return res.body.totals.indexed === 8 ? res.body : undefined;
        },
        60_000,
        500,
      );
      expect(report).toMatchObject({ tenant: 'acme', day: today, final: false, balanced: true, sequenceGaps: [] });
      expect(report.connectors).toEqual([
        {
          connector: 'whatsapp-cloud',
          received: 8,
          quarantined: 0,
          archived: 8,
          duplicates: 0,
          indexed: 8,
          deadLettered: 0,
          differences: { unaccounted: 0, notIndexed: 0 },
        },
      ]);
      expect((await api(r, r.tokens.globex, 'GET', `/v1/admin/reconciliation?date=${today}`)).body.totals).toMatchObject({ received: 2, archived: 2 });
    });

    test('a record rewritten with both its hashes recomputed is named, and never served as the record', async () => {
      const key = await keyOf(ids[1]);
      const kind = await r.rewrite(key, forgeText('forged: the order was never placed'));
      const run = await verify();
      expect(run.report.ok).toBe(false);
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind, key })]));
      const read = await api(r, r.tokens.compliance, 'GET', `/v1/records/${ids[1]}`);
      if (read.status === 200) expect(read.body.envelope.content.text).toBe('acme message 1 about the bond order');
      else expect(read.body.error.code).toBe('integrity_violation');
    });

    test('a forged newer version is named, and the original is what reads serve', async () => {
      const key = await keyOf(ids[2]);
      await r.addVersion(key, forgeText('forged newer version'));
      const run = await verify();
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'extra_version', key })]));
      const read = await api(r, r.tokens.compliance, 'GET', `/v1/records/${ids[2]}`);
      expect(read.status).toBe(200);
      expect(read.body.envelope.content.text).toBe('acme message 2 about the bond order');
    });

    test('a deleted object is named missing', async () => {
      if (!r.remove) return expect(name).toBe('stack'); // the locked bucket refuses; record-log-s3.itest.ts deletes in a bucket without lock
      const key = await keyOf(ids[3]);
      await r.remove(key);
      const run = await verify();
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'missing', key })]));
    });

    test('a retention moved back behind the store is named, and disposition refuses the record rather than delete it', async () => {
      if (!r.shortenRetention) return expect(name).toBe('stack'); // COMPLIANCE mode: the store itself never shortens
      const key = await keyOf(ids[4]);
      await r.shortenRetention(key, '2020-01-01T00:00:00.000Z');
      const disposed = await api(r, r.tokens.admin, 'POST', '/v1/admin/disposition', { dryRun: false });
      expect(disposed.status).toBe(200);
      expect(disposed.body.disposed.map((d: { key: string }) => d.key)).not.toContain(key);
      expect(disposed.body.kept.refusedByLog).toBeGreaterThanOrEqual(1);
      expect((await api(r, r.tokens.compliance, 'GET', `/v1/records/${ids[4]}`)).status).toBe(200);
      const run = await verify();
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'retention_shortened', key })]));
    });

    test('a checkpoint signed with another key is named', async () => {
      const forger = signingKeyFromSeed(randomBytes(32));
      const size = 999_999;
      const forged = signCheckpoint(
        { tenant: 'acme', size, root: 'ab'.repeat(32), previous: null, time: new Date().toISOString(), retainUntil: new Date().toISOString(), counts: {} },
        forger,
      );
      const key = checkpointKey('acme', size);
      await r.store.put({
        key,
        body: Buffer.from(JSON.stringify(forged)),
        contentType: 'application/json',
        retainUntil: new Date(Date.now() + 86_400_000),
        legalHold: false,
      });
      const run = await verify();
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'checkpoint_signature', key })]));
    });

    test('an edited audit event is named', async () => {
      // the first event of the trail: many follow it, so the chain has a successor to break
      let key = '';
      for await (const v of r.store.list('tenants/acme/audit/')) {
        if (JSON.parse((await r.store.get(v.key, v.versionId)).body.toString('utf8')).chain?.sequence === 1) key = v.key;
      }
      expect(key).not.toBe('');
      const kind = await r.rewrite(key, (body) => Buffer.from(body.toString('utf8').replace(/"outcome":"ok"/, '"outcome":"denied"')));
      const run = await verify({ audit: true });
      expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind, key })]));
      // the chain names the event whose predecessor no longer hashes as it did (in place), or the version beside the logged one
      if (kind === 'altered') expect(run.report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'audit_altered' })]));
    });

    test('custody verify: exit 0 and an archived report for an intact tenant, exit 1 naming every alteration for the altered one', async () => {
      if (r.cliNeedsStop) await r.stop();
      const intact = await custodyCli(r.cliEnv, ['verify', '--tenant', 'globex', '--audit', '--json']);
      expect(intact.stderr).not.toMatch(/error/i);
      expect(intact.code).toBe(0);
      const report = JSON.parse(intact.stdout);
      expect(report).toMatchObject({ ok: true, tenant: 'globex', problems: [], scope: { audit: true } });
      expect(report.counts.rehashed).toBeGreaterThanOrEqual(2);
      const altered = await custodyCli(r.cliEnv, ['verify', '--tenant', 'acme']);
      expect(altered.code).toBe(1);
      expect(altered.stdout).toMatch(/^FAILED: tenant acme/);
      for (const kind of ['extra_version', 'checkpoint_signature']) expect(altered.stdout).toContain(`${kind}: `);
    }, 120_000);
  });
}
