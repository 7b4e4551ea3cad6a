import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

export interface StartedCustody {
  child: ChildProcess;
  url: string;
  bootstrapToken?: string;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs `npm start` exactly as a user would, in its own process group so a SIGKILL reaches the
 * node process behind npm too. Resolves once it printed where it listens.
 */
export async function npmStart(env: Record<string, string>, timeoutMs = 90_000): Promise<StartedCustody> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CUSTODY_MODE: 'embedded', LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // npm may exit on a signal before the node process behind it has finished shutting down (and
  // writing its data directory): exited means the whole process group is gone
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => void groupGone(child.pid!).then(() => r(code))));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /Custody is listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      await new Promise((r) => setTimeout(r, 100)); // the token line follows the listening line
      const token = /stored only as a hash\):\s*\n\s*(cust_\S+)/.exec(out)?.[1];
      return { child, url: m[1], bootstrapToken: token, output: () => out, exited };
    }
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`npm start did not report listening within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once no process of the group led by `pid` is left (at most 30 s, then it gives up waiting). */
async function groupGone(pid: number): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/** `custody keys create` on the host, as an operator runs it (embedded: before Custody holds the data directory). */
export function keyOnHost(env: Record<string, string>, tenant: string, role: string): Promise<string> {
  return new Promise((resolvePromise, reject) =>
    execFile(
      'node',
      ['bin/custody.js', 'keys', 'create', '--tenant', tenant, '--role', role],
      { cwd: REPO_ROOT, env: { ...process.env, CUSTODY_MODE: 'embedded', LOG_LEVEL: 'error', ...env } },
      (err, out, stderr) => (err ? reject(new Error(`custody keys create failed: ${stderr}`)) : resolvePromise(out.trim())),
    ),
  );
}

/** A `custody` CLI command as an operator runs it; resolves with its exit code and output. `onStderr` may kill it mid-way. */
export function custodyCli(
  env: Record<string, string>,
  args: string[],
  onStderr?: (text: string, kill: () => void) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', ['bin/custody.js', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
