import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@custody/testing';
import { REPO_ROOT, killGroup, npmStart } from '@custody/testing/process';

function custody(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      'node',
      ['bin/custody.js', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, CUSTODY_MODE: 'embedded', LOG_LEVEL: 'info', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The command line as an operator meets it, on the embedded default. */
describe('custody CLI', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'custody-cli-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test.each(['start', 'import', 'disposition', 'keys', 'normalize'])("`custody %s --help` prints that command's usage and starts nothing", async (command) => {
    const dir = join(dataDir, 'never');
    const r = await custody([command, '--help'], { CUSTODY_DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: custody ${command}`));
    expect(r.stdout).not.toContain('commands:');
    expect(existsSync(dir)).toBe(false);
  });

  test("`custody normalize` holds a payload to the webhook's limits: body size, events per delivery, record bytes", async () => {
    const media = join(REPO_ROOT, 'packages/connectors/src/whatsapp-cloud/fixtures/media-messages.json');
    const ok = await custody(['normalize', '--channel', 'whatsapp-cloud', '--file', media]);
    expect(ok.code).toBe(0);
    const events = ok.stdout.trim().split('\n').length;
    expect(events).toBeGreaterThan(1);

    const tooBig = await custody(['normalize', '--channel', 'whatsapp-cloud', '--file', media], { CUSTODY_MAX_BODY_BYTES: '1024' });
    expect(tooBig).toMatchObject({ code: 2, stdout: '' });
    expect(tooBig.stderr).toMatch(/^custody: body_too_large: .* is \d+ bytes; a webhook body may be at most 1024 \(CUSTODY_MAX_BODY_BYTES\)\n$/);

    const tooMany = await custody(['normalize', '--channel', 'whatsapp-cloud', '--file', media], { CUSTODY_MAX_EVENTS_PER_DELIVERY: String(events - 1) });
    expect(tooMany).toMatchObject({ code: 2, stdout: '' });
    expect(tooMany.stderr).toContain(`too_many_events: delivery holds ${events} events; at most ${events - 1}`);

    const tooLarge = await custody(['normalize', '--channel', 'whatsapp-cloud', '--file', media], { CUSTODY_MAX_RECORD_BYTES_PER_DELIVERY: '1024' });
    expect(tooLarge).toMatchObject({ code: 2, stdout: '' });
    expect(tooLarge.stderr).toContain('records_too_large');
  });

  test('`custody --version` prints the version of the package', async () => {
    const r = await custody(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`custody ${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}`);
  });

  test('a busy port on first start is a one-line error, and no admin key is minted that nobody sees', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = String((busy.address() as { port: number }).port);
    try {
      const r = await custody(['start'], { CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: port, LOG_LEVEL: 'error' });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([`custody: cannot listen on 127.0.0.1:${port} (the port is in use); set CUSTODY_HTTP_PORT to a free port`]);
      expect(r.stdout).not.toContain('cust_');
    } finally {
      busy.close();
    }
    // the next start on a free port is still the first: it shows the bootstrap key
    const running = await npmStart({ CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: String(await freePort()) });
    try {
      expect(running.bootstrapToken).toMatch(/^cust_bootstrap-admin_/);
    } finally {
      killGroup(running.child, 'SIGTERM');
      await running.exited;
    }
  });

  test('the start-up banner is on standard output alone; log lines go to standard error', async () => {
    const port = String(await freePort());
    const { spawn } = await import('node:child_process');
    const child = spawn('node', ['bin/custody.js', 'start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: port, LOG_LEVEL: 'info' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 60_000;
    while (!/cust_bootstrap-admin_\S+\n/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killGroup(child, 'SIGTERM');
    await exited;
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^Custody is listening on http:\/\/127\.0\.0\.1:\d+ \(mode embedded, data in .+\)$/);
    expect(lines[1]).toMatch(/^Bootstrap admin API key for tenant "default"/);
    expect(lines[2]).toMatch(/^ {2}cust_bootstrap-admin_\S+$/);
    expect(out).not.toContain('{"level"');
    expect(err).toContain('"event":"custody_started"');
  });

  test('`custody keys create` makes the first legal key of a tenant on the host; it works against the API', async () => {
    const r = await custody(['keys', 'create', '--tenant', 'acme', '--role', 'legal', '--id', 'first-counsel'], {
      CUSTODY_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    });
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^cust_first-counsel_/);
    expect(r.stderr).toContain('API key first-counsel (legal) for tenant "acme"');
    expect((await custody(['keys', 'create', '--tenant', 'acme:eu', '--role', 'legal'], { CUSTODY_DATA_DIR: dataDir })).code).toBe(2);
    expect((await custody(['keys', 'create', '--tenant', 'acme', '--role', 'root'], { CUSTODY_DATA_DIR: dataDir })).code).toBe(2);
    const running = await npmStart({ CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: String(await freePort()) });
    try {
      const holds = await fetch(`${running.url}/v1/holds`, { headers: { authorization: `Bearer ${token}` } });
      expect(holds.status).toBe(200);
    } finally {
      killGroup(running.child, 'SIGTERM');
      await running.exited;
    }
  });
});
