import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@custody/testing';
import { REPO_ROOT, killGroup, npmStart, type StartedCustody } from '@custody/testing/process';

/** The README's quick start is run verbatim against `npm start`, so the front door stays true. */
describe('README quick start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-readme-'));
  let running: StartedCustody | undefined;

  afterAll(() => {
    if (running) killGroup(running.child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the curl session works as written', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```bash quickstart\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    // as the README says: the operator creates the first compliance key before the first start
    const compliance = await new Promise<string>((resolve, reject) =>
      execFile(
        'node',
        ['bin/custody.js', 'keys', 'create', '--tenant', 'default', '--role', 'compliance'],
        { cwd: REPO_ROOT, env: { ...process.env, CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir, LOG_LEVEL: 'error' } },
        (err, out) => (err ? reject(err) : resolve(out.trim())),
      ),
    );
    running = await npmStart({ CUSTODY_DATA_DIR: dataDir, CUSTODY_HTTP_PORT: String(await freePort()) });
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', block!],
        { env: { ...process.env, CUSTODY: running!.url, ADMIN: running!.bootstrapToken!, COMPLIANCE: compliance }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
      );
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/"status":"pending_approval"/);
    expect(stdout).toContain('"accepted":1');
    expect(stdout).toContain("objectSha256: 'match'");
    expect(stdout).toContain("envelopeIntegrity: 'match'");
    // step 6: the thread around the hit, read back verified
    expect(stdout).toContain('+16505551234 Please buy 500 ACME at market match');
  });
});
