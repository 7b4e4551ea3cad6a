import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, killGroup } from '@custody/testing/process';

const run = promisify(execFile);
const INFRA = join(REPO_ROOT, 'infra/local');

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A random port in 20000–29999 that is free, with `alsoFree` offsets free too (OpenSearch's transport port is http + 100). */
async function pickPort(taken: Set<number>, alsoFree: number[] = []): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 9_800);
    const all = [port, ...alsoFree.map((o) => port + o)];
    if (all.some((p) => taken.has(p))) continue;
    if ((await Promise.all(all.map(portFree))).every(Boolean)) {
      all.forEach((p) => taken.add(p));
      return port;
    }
  }
  throw new Error('no free ports for the fault-suite servers');
}

export type Server = 'kafka' | 'opensearch' | 'minio';

/**
 * Kafka, MinIO and OpenSearch of this suite alone: own ports, own run directory, own OpenSearch
 * home, so killing them never touches the servers other tests share. Started with infra/local/up.sh,
 * killed and restarted with infra/local/fault.sh.
 */
export class DedicatedStack {
  readonly runDir = mkdtempSync(join(tmpdir(), 'custody-faults-'));
  readonly osHome = join('/var/tmp', `custody-opensearch-faults-${process.pid}-${Date.now().toString(36)}`);
  infraEnv: Record<string, string> = {};
  endpoints: Record<string, string> = {};

  async start(): Promise<void> {
    const taken = new Set<number>();
    this.infraEnv = {
      CUSTODY_RUN: this.runDir,
      CUSTODY_OS_HOME: this.osHome,
      KAFKA_PORT: String(await pickPort(taken)),
      KAFKA_CONTROLLER_PORT: String(await pickPort(taken)),
      OPENSEARCH_PORT: String(await pickPort(taken, [100])),
      MINIO_PORT: String(await pickPort(taken)),
    };
    let out: { stdout: string };
    try {
      out = await run('bash', [join(INFRA, 'up.sh')], { env: { ...process.env, ...this.infraEnv }, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { message: string; stderr?: string };
      throw new Error(`the fault suite could not start its own Kafka/MinIO/OpenSearch with infra/local/up.sh: ${e.message}\n${e.stderr ?? ''}`);
    }
    this.endpoints = Object.fromEntries(
      out.stdout
        .split('\n')
        .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    for (const k of ['KAFKA_BROKERS', 'S3_ENDPOINT', 'OPENSEARCH_URL']) {
      if (!this.endpoints[k]) throw new Error(`up.sh did not print ${k}:\n${out.stdout}`);
    }
  }

  async kill(server: Server): Promise<void> {
    await this.fault('kill', server);
  }

  async restart(server: Server): Promise<void> {
    await this.fault('start', server);
  }

  private async fault(action: 'kill' | 'start', server: Server): Promise<void> {
    try {
      await run('bash', [join(INFRA, 'fault.sh'), action, server], { env: { ...process.env, ...this.infraEnv }, timeout: 300_000 });
    } catch (err) {
      const e = err as { message: string; stderr?: string };
      throw new Error(`fault.sh ${action} ${server} failed: ${e.message}\n${e.stderr ?? ''}`);
    }
  }

  async stop(): Promise<void> {
    if (this.infraEnv.CUSTODY_RUN)
      await run('bash', [join(INFRA, 'down.sh')], { env: { ...process.env, ...this.infraEnv }, timeout: 120_000 }).catch(() => undefined);
    rmSync(this.runDir, { recursive: true, force: true });
    rmSync(this.osHome, { recursive: true, force: true });
  }
}

/** `custody start` as its own process group, so kill -9 reaches it like a crash would. */
export class CustodyProcess {
  private child?: ChildProcess;
  private out = '';
  private exited?: Promise<void>;

  constructor(
    readonly url: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Everything the process printed, every start appended (JSON log lines and the banner). */
  output(): string {
    return this.out;
  }

  /** Log lines (JSON) with this event, across every start. */
  events(event: string): Array<Record<string, unknown>> {
    return this.out
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(`"${event}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === event);
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const from = this.out.length;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/custody.js'), 'start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (d) => (this.out += d));
    child.stderr.on('data', (d) => (this.out += d));
    this.exited = new Promise((r) => child.once('exit', () => r()));
    const deadline = Date.now() + timeoutMs;
    while (!this.out.slice(from).includes('Custody is listening on')) {
      if (child.exitCode !== null) throw new Error(`custody exited ${child.exitCode}:\n${this.out.slice(from).slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`custody did not listen within ${timeoutMs} ms:\n${this.out.slice(from).slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill9(): Promise<void> {
    if (!this.child) return;
    killGroup(this.child, 'SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    killGroup(this.child, 'SIGTERM');
    const timer = setTimeout(() => this.child && killGroup(this.child, 'SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}
