/**
 * The second, independent implementation of docs/verification.md (tools/verify-go: Go, standard
 * library only) run against a copy of the archive directory Custody's embedded default wrote:
 * the copy verifies with the published key, a forged record (its envelope integrity recomputed) is
 * named, and another key proves nothing. Go must be installed: without it this test fails, never skips.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { LocalArchiveStore } from '@custody/archive-store';
import { loadConfig } from '@custody/config';
import { integrityHash } from '@custody/envelope';
import { publicKeyFromBase64, signingKeyFromSeed, verifyTenant } from '@custody/record-log';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { REPO_ROOT } from '@custody/testing/process';
import { rewriteInPlace } from '@custody/testing/tamper';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';

const TOOL_DIR = join(REPO_ROOT, 'tools', 'verify-go');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function go(args: string[], cwd: string): Run {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Builds the verifier once, into a temp directory (never into the repository). */
function buildVerifier(into: string): string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error(
      'tests/e2e/verify-go.e2e.ts needs the Go toolchain (1.21 or later) on PATH to build tools/verify-go, and `go version` failed' +
        ` (${version.error?.message ?? version.stderr}). Install Go or put it on PATH; this test never skips.`,
    );
  }
  const bin = join(into, 'verify-go');
  const build = go(['build', '-o', bin, '.'], TOOL_DIR);
  if (build.code !== 0) throw new Error(`go build of tools/verify-go failed:\n${build.stderr}`);
  return bin;
}

function verifyGo(bin: string, args: string[]): Run {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('verify-go: the independent verifier on an embedded archive', () => {
  const work = mkdtempSync(join(tmpdir(), 'custody-verify-go-'));
  const dataDir = join(work, 'data');
  const copy = join(work, 'archive-copy');
  let bin: string;
  let custody: RunningCustody | undefined;
  let publicKey: string;
  let forgedKey: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    bin = buildVerifier(work);
    const keys = { admin: mintApiKey('acme', 'admin'), compliance: mintApiKey('acme', 'compliance') };
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    env = {
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1',
      CUSTODY_CONNECTORS: JSON.stringify([
        { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret: secret, verifyToken: 'verify-acme' } },
      ]),
      CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    };
    custody = await startCustody(loadConfig(env), testLogger());
    const url = custody.url;
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${keys.compliance.token}` } });
      return { status: res.status, body: await res.json() };
    };
    for (let i = 0; i < 4; i++) {
      const m = textWebhook(`acme message ${i} about the bond order <& \u2028 é>`, { from: '16505551234' });
      expect((await postWebhook(url, 'acme-wa', m.body, secret)).status).toBe(200);
    }
    const ids = await waitFor('4 records searchable', async () => {
      const s = await apiSearch(url, keys.compliance.token, { sort: 'oldest', size: 50 });
      const number = (h: { text: string }) => Number(/message (\d+)/.exec(h.text)?.[1]);
      return s.body.total >= 4 ? [...s.body.hits].sort((a, b) => number(a) - number(b)).map((h: { id: string }) => h.id) : undefined;
    });
    const last = ids[ids.length - 1];
    await waitFor(
      `a signed checkpoint covering ${last}`,
      async () => ((await get(`/v1/records/${last}/proof`)).status === 200 ? true : undefined),
      60_000,
      250,
    );
    const published = await get('/v1/verification/keys');
    expect(published.status).toBe(200);
    publicKey = published.body.keys[0].publicKey;
    forgedKey = (await get(`/v1/records/${ids[1]}`)).body.archive.key;
    await custody.stop();
    custody = undefined;
    // what an auditor is handed: a copy of the archive directory, Custody nowhere near it
    cpSync(join(dataDir, 'archive'), copy, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await custody?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the copy verifies with the published key, and both implementations see the same log', async () => {
    const text = verifyGo(bin, ['archive', '--dir', copy, '--tenant', 'acme', '--public-key', publicKey]);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^VERIFIED: tenant acme, \d+ leaves/);
    expect(text.code).toBe(0);

    const json = verifyGo(bin, ['archive', '--dir', copy, '--tenant', 'acme', '--public-key', publicKey, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: true, tenant: 'acme', problems: [] });
    expect(report.stored).toBeGreaterThanOrEqual(4);
    expect(report.checkpoints).toBeGreaterThanOrEqual(1);

    // the TypeScript verifier, on the same copy, reaches the same tree
    const ts = await verifyTenant(new LocalArchiveStore({ dir: copy }), { tenant: 'acme', trusted: [publicKeyFromBase64(publicKey)] });
    expect(ts.problems).toEqual([]);
    expect({ size: report.logSize, root: report.root, stored: report.stored, checkpoints: report.checkpoints }).toEqual({
      size: ts.log.size,
      root: ts.log.root,
      stored: ts.counts.stored,
      checkpoints: ts.log.checkpoints,
    });
  });

  test('a package made by custody export verifies record by record with the public key alone; an edited native line is named', () => {
    const out = join(work, 'package');
    const exported = spawnSync(
      process.execPath,
      ['bin/custody.js', 'export', '--tenant', 'acme', '--name', 'verify-go matter', '--query', '{}', '--formats', 'jsonl,loadfile', '--out', out],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env, LOG_LEVEL: 'error' } },
    );
    expect(exported.stderr).not.toMatch(/failed/i);
    expect(exported.status).toBe(0);
    const ok = verifyGo(bin, ['export', '--package', out, '--public-key', publicKey]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^VERIFIED/);
    expect(ok.code).toBe(0);
    const native = readdirSync(join(out, 'native'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && /^records-\d+\.jsonl$/.test(e.name))!;
    const file = join(native.parentPath, native.name);
    writeFileSync(file, readFileSync(file, 'utf8').replace('about the bond order', 'about the bond ORDER'));
    const altered = verifyGo(bin, ['export', '--package', out, '--public-key', publicKey]);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(/^FAILED/);
  });

  test('a key other than the published one proves nothing: every checkpoint is named', () => {
    const other = signingKeyFromSeed(randomBytes(32)).publicKeyBase64;
    const r = verifyGo(bin, ['archive', '--dir', copy, '--tenant', 'acme', '--public-key', other]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED: /);
    expect(r.stdout).toMatch(/\ncheckpoint_signature tenants\/acme\/log\/checkpoints\/\d{12}\.json: no signature by a trusted key/);
  });

  test('a record rewritten with its envelope integrity recomputed is named altered', () => {
    rewriteInPlace(copy, forgedKey, (body) => {
      const env = JSON.parse(body.toString('utf8'));
      env.content.text = 'forged: the order was never placed';
      env.integrity = { sha256: integrityHash(env) };
      return Buffer.from(JSON.stringify(env));
    });
    const r = verifyGo(bin, ['archive', '--dir', copy, '--tenant', 'acme', '--public-key', publicKey]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED: /);
    expect(r.stdout).toContain(`\naltered ${forgedKey}: bytes hash to `);
  });

  test('bad usage and an unreadable input exit 2', () => {
    expect(verifyGo(bin, ['archive', '--dir', copy, '--tenant', 'acme']).code).toBe(2);
    expect(verifyGo(bin, ['archive', '--dir', join(work, 'nowhere'), '--tenant', 'acme', '--public-key', publicKey]).code).toBe(2);
  });
});
