/**
 * The production (export) tests, the same on every adapter set: capture on five channels, hold,
 * export in every format, and read the package back with parsers Custody does not use to write it
 * (yauzl for zips, mailparser for the RSMF and EML messages, Ajv with Relativity's schema, pdftotext).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { simpleParser } from 'mailparser';
import yauzl from 'yauzl';
import { hashLeaf, leafBytes, parseCheckpoint, publicKeyFromBase64, verifiedSigners, verifyInclusion } from '@custody/record-log';
import { REPO_ROOT, custodyCli } from './process';
import { captureProduction, whatsappConversation, type ProductionFixture, type ProductionVendors } from './production-fixture';
import { waitFor } from './wait';
import { apiSearch, postWebhook, whatsappDelivery } from './whatsapp';

export interface RunningForExports extends ProductionVendors {
  /** The e-mail imported before start: its record id and the .eml bytes as captured. */
  email: { id: string; eml: Buffer };
  recordings: Map<string, Buffer>;
  /** Environment for `custody` CLI child processes on the same data (embedded: only once `stop`ped). */
  cliEnv: Record<string, string>;
  stop(): Promise<void>;
  /** Alters an archived record's bytes behind the store's back, where the store allows it (a directory). */
  tamper?: (recordId: string) => void;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** One unit each: enough that a kill lands between the first and the last, few enough to keep the test short. */
const KILL_CONVERSATIONS = 60;
const RSMF_SCHEMA = join(REPO_ROOT, 'packages/review/src/production/rsmf/rsmf_schema_2_0_0.json');

/** Every entry of a zip, by name, read with yauzl. */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zipfile.on('entry', (entry: yauzl.Entry) => {
      zipfile.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zipfile.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zipfile.on('end', resolve);
    zipfile.on('error', reject);
    zipfile.readEntry();
  });
  return out;
}

async function api(v: ProductionVendors, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${v.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer()) };
}

async function exportDone(v: ProductionVendors, token: string, id: string): Promise<any> {
  return waitFor(
    `export ${id} to finish`,
    async () => {
      const r = await api(v, token, 'GET', `/v1/exports/${id}`);
      return ['done', 'failed'].includes(r.body.export?.job?.phase) ? r.body.export : undefined;
    },
    120_000,
    250,
  );
}

interface Manifest {
  export: { id: string };
  counts: { files: number; records: number; documents: number };
  files: Array<{ path: string; size: number; sha256: string; format: string }>;
  records: Array<{ id: string; key: string; versionId?: string; objectSha256: string; envelopeSha256: string; conversationId: string; raw?: any }>;
}

function readDir(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name)));
  return out;
}

/** The package's files verify against its manifest, and nothing is in it that the manifest does not list. */
function verifyPackage(files: Map<string, Buffer>): Manifest {
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
  expect([...files.keys()].sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
  for (const f of manifest.files) {
    expect({ path: f.path, size: files.get(f.path)!.length, sha256: sha256(files.get(f.path)!) }).toEqual({ path: f.path, size: f.size, sha256: f.sha256 });
  }
  return manifest;
}

export function exportSuite(name: string, start: () => Promise<RunningForExports>, opts: { tamperable: boolean }): void {
  describe(`exports: ${name}`, () => {
    let c: RunningForExports;
    let fx: ProductionFixture;
    let holdId: string;
    let exp: any;
    let files: Map<string, Buffer>;
    let manifest: Manifest;
    let allIds: string[];

    beforeAll(async () => {
      c = await start();
      fx = await captureProduction(c, c.recordings);
      allIds = [...fx.ids, c.email.id];
      const placed = await api(c, c.tokens.legal, 'POST', '/v1/holds', {
        matter: `Matter ${fx.marker}`,
        reason: 'SEC request',
        scope: { from: '2000-01-01T00:00:00Z' },
      });
      expect(placed.status).toBe(202);
      holdId = placed.body.hold.id;
      await waitFor(
        'the hold placed',
        async () => ((await api(c, c.tokens.legal, 'GET', `/v1/holds/${holdId}`)).body.hold.job.state === 'done' ? true : undefined),
        60_000,
      );
      const requested = await api(c, c.tokens.legal, 'POST', '/v1/exports', {
        name: `SEC v. ACME ${fx.marker}`,
        scope: { holdId },
        timeZone: 'Europe/Paris',
        batesPrefix: 'ACME-',
      });
      expect(requested.status).toBe(202);
      exp = await exportDone(c, c.tokens.legal, requested.body.export.id);
      const download = await api(c, c.tokens.legal, 'GET', `/v1/exports/${exp.id}/download`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/zip');
      files = await unzip(download.body as Buffer);
    }, 240_000);
    afterAll(async () => {
      await c?.stop();
    });

    test('the hold is produced whole: every held record once, every file verifying against manifest.json', async () => {
      expect(exp.job).toMatchObject({ phase: 'done', total: allIds.length, done: allIds.length });
      manifest = verifyPackage(files);
      expect(sha256(files.get('manifest.json')!)).toBe(exp.result.manifestSha256);
      const held = await apiSearch(c.url, c.tokens.compliance, { holdId, size: 100 });
      expect(held.body.total).toBe(allIds.length);
      expect(manifest.records.map((r) => r.id).sort()).toEqual([...allIds].sort());
      const byId = new Map(held.body.hits.map((h: any) => [h.id, h]));
      for (const r of manifest.records)
        expect({ key: r.key, versionId: r.versionId }).toEqual({
          key: (byId.get(r.id) as any).archive.key,
          versionId: (byId.get(r.id) as any).archive.versionId,
        });
      expect(manifest.counts).toMatchObject({ records: allIds.length, files: manifest.files.length });
    });

    test('native JSON Lines are the archived bytes: each line hashes to the object SHA-256 and carries the envelope hash the manifest names', () => {
      const lines = manifest.files.filter((f) => f.format === 'jsonl').flatMap((f) => files.get(f.path)!.toString('utf8').split('\n').filter(Boolean));
      expect(lines).toHaveLength(allIds.length);
      const byId = new Map(manifest.records.map((r) => [r.id, r]));
      for (const line of lines) {
        const env = JSON.parse(line);
        expect({ object: sha256(line), envelope: env.integrity.sha256 }).toEqual({
          object: byId.get(env.id)!.objectSha256,
          envelope: byId.get(env.id)!.envelopeSha256,
        });
      }
      // the recording is there by its SHA-256
      expect(files.get(`native/attachments/${sha256(fx.call.wav)}`)?.equals(fx.call.wav)).toBe(true);
    });

    test('every produced record carries its proof: the leaf names the version produced, its path leads to the signed checkpoint, checked with the published key alone', async () => {
      const keys = await api(c, c.tokens.legal, 'GET', '/v1/verification/keys');
      const trusted = keys.body.keys.map((k: { publicKey: string }) => publicKeyFromBase64(k.publicKey));
      const signed = JSON.parse(files.get('proofs/checkpoint.json')!.toString('utf8'));
      expect(verifiedSigners(signed, trusted)).toEqual([keys.body.keys[0].keyId]);
      const checkpoint = parseCheckpoint(signed.body);
      expect(checkpoint.tenant).toBe('acme');
      const proofs = files
        .get('proofs/records.jsonl')!
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(proofs.map((p) => p.recordId).sort()).toEqual(manifest.records.map((r) => r.id).sort());
      const byId = new Map(manifest.records.map((r) => [r.id, r]));
      for (const p of proofs) {
        const r = byId.get(p.recordId)!;
        expect(p.leaf).toMatchObject({ id: r.id, key: r.key, versionId: r.versionId, sha256: r.objectSha256, envelopeSha256: r.envelopeSha256 });
        const leafHash = hashLeaf(leafBytes(p.leaf));
        expect(p.treeSize).toBe(checkpoint.size);
        const path = p.path.map((h: string) => Buffer.from(h, 'hex'));
        expect(verifyInclusion(p.leafIndex, p.treeSize, leafHash, path, Buffer.from(checkpoint.root, 'hex'))).toBe(true);
      }
      expect(JSON.parse(files.get('proofs/keys.json')!.toString('utf8')).keys).toEqual(keys.body.keys);
    });

    test('a record from a delivery that carried three conversations carries only its own event, with the whole delivery hash', () => {
      for (const [i, id] of fx.shared.ids.entries()) {
        const r = manifest.records.find((m) => m.id === id)!;
        expect(r.raw).toMatchObject({ deliverySha256: fx.shared.sha256, path: expect.stringMatching(/messages\.\d$/) });
        const line = JSON.parse(files.get(r.raw.file)!.toString('utf8').split('\n')[r.raw.line - 1]);
        expect(line).toMatchObject({ recordId: id, deliverySha256: fx.shared.sha256, partSha256: r.raw.partSha256 });
        expect(line.part).toEqual(fx.shared.messages[i]);
        expect(sha256(JSON.stringify(line.part))).toBe(r.raw.partSha256);
      }
    });

    test('RSMF: one RFC 5322 message per conversation and day with the X-RSMF headers and one rsmf.zip, its manifest valid against Relativity’s schema, every event, edit, deletion, reaction, reply and attachment there', async () => {
      // strict off: the published schema puts `maximum` on a string; ajv-formats has no idn-email (any Unicode address)
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
      const validate = ajv.compile(JSON.parse(readFileSync(RSMF_SCHEMA, 'utf8')));
      const events = new Map<string, any>();
      const zipped = new Map<string, Buffer>();
      const rsmfFiles = manifest.files.filter((f) => f.format === 'rsmf');
      expect(rsmfFiles.length).toBeGreaterThanOrEqual(7); // a conversation a file: the thread, three shared, telegram, sms, call, email
      for (const f of rsmfFiles) {
        const mail = await simpleParser(files.get(f.path)!);
        for (const h of [
          'x-rsmf-version',
          'x-rsmf-generator',
          'x-rsmf-begindate',
          'x-rsmf-enddate',
          'x-rsmf-eventcount',
          'x-rsmf-application',
          'x-rsmf-participants',
          'x-rsmf-attachmentcount',
          'x-rsmf-eventcollectionid',
        ])
          expect({ file: f.path, header: h, present: mail.headers.has(h) }).toEqual({ file: f.path, header: h, present: true });
        expect(String(mail.headers.get('x-rsmf-version'))).toBe('2.0.0');
        expect(mail.attachments.map((a) => a.filename)).toEqual(['rsmf.zip']);
        const inner = await unzip(mail.attachments[0].content);
        const rsmf = JSON.parse(inner.get('rsmf_manifest.json')!.toString('utf8'));
        expect({ file: f.path, valid: validate(rsmf), errors: validate.errors ?? null }).toEqual({ file: f.path, valid: true, errors: null });
        expect(Number(String(mail.headers.get('x-rsmf-eventcount')))).toBe(rsmf.events.length);
        expect(Number(String(mail.headers.get('x-rsmf-attachmentcount')))).toBe(inner.size - 1);
        for (const e of rsmf.events) events.set(e.custom.find((p: any) => p.name === 'Custody record id').value, { ...e, inner });
        for (const [n, b] of inner) zipped.set(n, b);
      }
      expect([...events.keys()].sort()).toEqual([...allIds].sort());
      const { ids } = fx.conversation;
      const first = events.get(ids.first);
      expect(first.edits).toEqual([expect.objectContaining({ previous: 'Can you buy 200 shares of ACME?', new: 'Can you buy 300 shares of ACME?' })]);
      const reply = events.get(ids.reply);
      expect(reply).toMatchObject({ parent: ids.first, deleted: true, body: 'At market, please' });
      expect(reply.reactions).toEqual([expect.objectContaining({ value: '👍', count: 1 })]);
      // the edit, deletion and reaction records keep their own events, pointing at what they revise
      for (const id of [ids.edit, ids.revoke, ids.reaction]) expect(events.get(id).type).toBe('history');
      const recording = [...zipped.values()].find((b) => b.equals(fx.call.wav));
      expect(recording).toBeDefined();
      const call = fx.call.ids.map((id) => events.get(id)).find((e) => e.attachments?.length);
      expect(call.inner.get(call.attachments[0].id).equals(fx.call.wav)).toBe(true);
    });

    test('EML: the e-mail as captured, byte for byte, and a MIME parser reads it', async () => {
      const eml = files.get(`eml/${c.email.id}.eml`)!;
      expect(eml.equals(c.email.eml)).toBe(true);
      expect((await simpleParser(eml)).subject).toMatch(/^Confirmation /);
    });

    test('PDF transcripts: every event with UTC and Paris time, edits and deletions shown, attachment hashes, a production number on every page', () => {
      const dir = mkdtempSync(join(tmpdir(), 'custody-export-pdf-'));
      try {
        let text = '';
        const numbers: string[] = [];
        for (const f of manifest.files.filter((x) => x.format === 'pdf')) {
          const file = join(dir, 'x.pdf');
          writeFileSync(file, files.get(f.path)!);
          const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
          for (let p = 1; p <= pages; p++) {
            const page = execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' });
            const n = /ACME-\d{8}/.exec(page);
            expect({ file: f.path, page: p, number: n !== null }).toEqual({ file: f.path, page: p, number: true });
            numbers.push(n![0]);
            text += page;
          }
        }
        // consecutive production numbers across the transcripts, each once
        expect(new Set(numbers).size).toBe(numbers.length);
        const flat = text.replace(/\s+/g, ' ');
        for (const needle of [
          'Can you buy 200 shares of ACME?',
          'Can you buy 300 shares of ACME?',
          'At market, please',
          'DELETED',
          fx.telegram.text,
          fx.sms.text,
          ...fx.shared.texts,
          sha256(fx.call.wav),
        ]) {
          expect({ needle, found: flat.includes(needle) }).toEqual({ needle, found: true });
        }
        expect(flat).toMatch(/UTC/);
        expect(flat).toMatch(/Europe\/Paris|CET|GMT\+1/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('load files: a CSV row and a Concordance DAT row (þ quotes, ¶ separators) per produced document', () => {
      const docs = manifest.files.filter((f) => !['attachment', 'raw', 'loadfile', 'proof'].includes(f.format));
      const csv = files.get('loadfile.csv')!.toString('utf8').split('\r\n').filter(Boolean);
      expect(csv[0]).toBe('BegProd,EndProd,Format,Custodians,Channel,Conversation,BeginTime,EndTime,Participants,FilePath,SHA256,SourceRecordIds');
      expect(csv).toHaveLength(docs.length + 1);
      const dat = files
        .get('loadfile.dat')!
        .toString('utf8')
        .replace(/^\ufeff/, '')
        .split('\r\n')
        .filter(Boolean);
      expect(dat).toHaveLength(docs.length + 1);
      const rows = dat.map((l) => l.split('\u0014').map((cell) => /^\u00fe(.*)\u00fe$/s.exec(cell)![1]));
      expect(rows[0]).toEqual([
        'BegProd',
        'EndProd',
        'Format',
        'Custodians',
        'Channel',
        'Conversation',
        'BeginTime',
        'EndTime',
        'Participants',
        'FilePath',
        'SHA256',
        'SourceRecordIds',
      ]);
      for (const d of docs) expect(rows.find((r) => r[9] === d.path)?.[10]).toBe(d.sha256);
      expect(
        rows
          .slice(1)
          .flatMap((r) => r[11].split('; '))
          .filter((id) => id).length,
      ).toBeGreaterThanOrEqual(allIds.length);
    });

    test('requested, completed and downloaded are audited with the manifest hash; other tenants and auditors are refused', async () => {
      const audited = await waitFor('the export audited', async () => {
        const r = await api(c, c.tokens.auditor, 'GET', `/v1/audit?limit=200`);
        const mine = (r.body.events ?? []).filter((e: any) => e.target === exp.id);
        const actions = new Set(mine.map((e: any) => e.action));
        return ['exports.request', 'exports.completed', 'exports.download'].every((a) => actions.has(a)) ? mine : undefined;
      });
      expect(audited.find((e: any) => e.action === 'exports.completed').details.manifestSha256).toBe(exp.result.manifestSha256);
      expect(audited.find((e: any) => e.action === 'exports.download').details.manifestSha256).toBe(exp.result.manifestSha256);
      expect((await api(c, c.tokens.otherTenant, 'GET', `/v1/exports/${exp.id}`)).status).toBe(404);
      expect((await api(c, c.tokens.otherTenant, 'GET', `/v1/exports/${exp.id}/download`)).status).toBe(404);
      expect((await api(c, c.tokens.otherTenant, 'GET', '/v1/exports')).body.exports).toEqual([]);
      expect((await api(c, c.tokens.auditor, 'GET', `/v1/exports/${exp.id}/download`)).status).toBe(403);
      expect((await api(c, c.tokens.auditor, 'POST', '/v1/exports', { name: 'x', scope: { holdId } })).status).toBe(403);
      // another tenant's hold is not a scope
      expect((await api(c, c.tokens.otherTenant, 'POST', '/v1/exports', { name: 'x', scope: { holdId } })).status).toBe(404);
    });

    test('one conversation of a shared delivery is produced without a byte of the other two', async () => {
      const requested = await api(c, c.tokens.compliance, 'POST', '/v1/exports', {
        name: 'one client',
        scope: { conversationIds: [whatsappConversation(fx.shared.customers[0])] },
      });
      const one = await exportDone(c, c.tokens.compliance, requested.body.export.id);
      expect(one.job.phase).toBe('done');
      const pkg = await unzip((await api(c, c.tokens.compliance, 'GET', `/v1/exports/${one.id}/download`)).body as Buffer);
      expect(verifyPackage(pkg).records.map((r) => r.id)).toEqual([fx.shared.ids[0]]);
      for (const [path, bytes] of pkg) {
        for (const other of fx.shared.customers.slice(1)) expect({ path, leaks: bytes.includes(other) }).toEqual({ path, leaks: false });
        // RSMF wraps its zip in base64: look inside too
        if (path.endsWith('.rsmf'))
          for (const inner of (await unzip((await simpleParser(bytes)).attachments[0].content)).values())
            expect(inner.includes(fx.shared.customers[1])).toBe(false);
      }
    });

    test('a bad request is refused precisely and produces nothing', async () => {
      const bad = await api(c, c.tokens.legal, 'POST', '/v1/exports', { name: 'x', scope: { holdId, recordIds: [allIds[0]] } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/exactly one of/);
      const badZone = await api(c, c.tokens.legal, 'POST', '/v1/exports', { name: 'x', scope: { holdId }, timeZone: 'Mars/Olympus' });
      expect(badZone.status).toBe(400);
      const badFormat = await api(c, c.tokens.legal, 'POST', '/v1/exports', { name: 'x', scope: { holdId }, formats: ['docx'] });
      expect(badFormat.status).toBe(400);
      const unknownRecord = await api(c, c.tokens.legal, 'POST', '/v1/exports', { name: 'x', scope: { recordIds: ['0'.repeat(40)] } });
      expect(unknownRecord.status).toBe(202);
      const failed = await exportDone(c, c.tokens.legal, unknownRecord.body.export.id);
      expect(failed.job).toMatchObject({ phase: 'failed', error: expect.stringContaining('0'.repeat(40)) });
      expect((await api(c, c.tokens.legal, 'GET', `/v1/exports/${failed.id}/download`)).status).toBe(409);
    });

    // S3 with Object Lock cannot be altered behind its back: the suite on a directory store proves this one
    if (opts.tamperable)
      test('a record that fails verification stops the export, naming it', async () => {
        c.tamper!(fx.sms.id);
        const requested = await api(c, c.tokens.legal, 'POST', '/v1/exports', { name: 'tampered', scope: { recordIds: [fx.sms.id, fx.telegram.id] } });
        const failed = await exportDone(c, c.tokens.legal, requested.body.export.id);
        expect(failed.job).toMatchObject({ phase: 'failed', error: expect.stringContaining(fx.sms.id) });
      });

    test('custody export: killed with SIGKILL mid-way, --resume finishes it, and the package verifies the same as an uninterrupted one', async () => {
      // enough conversations (one delivery of 60 customers) that the kill lands between the first unit and the last
      const many = Array.from({ length: KILL_CONVERSATIONS }, (_, i) => `1650888${String(1000 + i)}`);
      const t = Math.floor(Date.now() / 1000) - 30;
      const body = JSON.stringify(
        whatsappDelivery({
          contacts: many.map((n) => ({ profile: { name: `Client ${n}` }, wa_id: n })),
          messages: many.map((n, i) => ({
            from: n,
            id: `wamid.kill${i}.${fx.marker}`,
            timestamp: String(t),
            type: 'text',
            text: { body: `Kill test ${fx.marker} ${i}` },
          })),
        }),
      );
      expect((await postWebhook(c.url, c.whatsapp.instance, body, c.whatsapp.appSecret)).status).toBe(200);
      await waitFor(
        'the messages searchable',
        async () =>
          (await apiSearch(c.url, c.tokens.compliance, { text: `"Kill test ${fx.marker}"`, size: 1 })).body.total === KILL_CONVERSATIONS ? true : undefined,
        60_000,
      );
      await c.stop();
      const scope = ['--query', JSON.stringify({ text: `"Kill test ${fx.marker}"` })];
      const dirs = [mkdtempSync(join(tmpdir(), 'custody-export-cli-a-')), mkdtempSync(join(tmpdir(), 'custody-export-cli-b-'))];
      try {
        const common = ['export', '--tenant', 'acme', '--name', 'CLI matter', ...scope, '--formats', 'jsonl,pdf,loadfile'];
        let exportId = '';
        const killed = await custodyCli(c.cliEnv, [...common, '--out', dirs[0]], (text, kill) => {
          const m = [...text.matchAll(/export (exp-[0-9a-f-]+) \[[#.]+\] producing (\d+)\/(\d+)/g)].pop();
          if (m && Number(m[2]) > 0 && Number(m[2]) < Number(m[3])) {
            exportId = m[1];
            kill();
          }
        });
        expect({ signal: killed.signal, killedMidway: exportId !== '', stderr: exportId ? '' : killed.stderr }).toEqual({
          signal: 'SIGKILL',
          killedMidway: true,
          stderr: '',
        });
        const resumed = await custodyCli(c.cliEnv, ['export', '--tenant', 'acme', '--resume', exportId, '--out', dirs[0]]);
        expect({ code: resumed.code, stderr: resumed.code === 0 ? '' : resumed.stderr }).toEqual({ code: 0, stderr: '' });
        const whole = await custodyCli(c.cliEnv, [...common, '--out', dirs[1]]);
        expect(whole.code).toBe(0);
        const [a, b] = dirs.map((d) => verifyPackage(readDir(d)));
        expect(a.records).toEqual(b.records);
        expect(a.records).toHaveLength(KILL_CONVERSATIONS);
        const aFiles = readDir(dirs[0]);
        const bFiles = readDir(dirs[1]);
        // the native files are the same bytes; the others name their own export id
        for (const f of a.files.filter((x) => x.format === 'jsonl' || x.format === 'raw')) expect(aFiles.get(f.path)!.equals(bFiles.get(f.path)!)).toBe(true);
        expect(a.files.map((f) => [f.path, f.format])).toEqual(b.files.map((f) => [f.path, f.format]));
      } finally {
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }, 240_000);
  });
}
