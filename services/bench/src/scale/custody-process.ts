import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CLI = join(__dirname, '../../../../bin/custody.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resident set of a process in MiB, from /proc (0 once it is gone). */
export function rssMb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * `custody start` in a child process, so its resident memory and its start-up are Custody's alone.
 * The metrics token is the bench's own; its hash goes to the child like an operator's would.
 */
export class CustodyProcess {
  readonly metricsToken = randomBytes(16).toString('hex');
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private output = '';
  private peak = 0;
  private sampler?: NodeJS.Timeout;
  url = '';

  constructor(private readonly env: Record<string, string>) {}

  /** Starts the process and resolves with the milliseconds until /readyz answered 200. */
  async start(): Promise<number> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'start'], {
      env: {
        ...process.env,
        ...this.env,
        CUSTODY_HTTP_PORT: String(port),
        CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(this.metricsToken).digest('hex'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // a bench stopped with Ctrl-C (or killed by a session's end) must not leave Custody running
    const killChild = () => child.kill('SIGTERM');
    process.once('exit', killChild);
    child.once('exit', () => process.off('exit', killChild));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.sampler = setInterval(() => (this.peak = Math.max(this.peak, rssMb(child.pid))), 100);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`custody exited with ${child.exitCode} before it was ready:\n${this.output}`);
      const ok = await fetch(`${this.url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The child's pid once started (0 before). */
  get pid(): number {
    return this.child?.pid ?? 0;
  }

  rssMb(): number {
    return rssMb(this.child?.pid);
  }

  /** Highest RSS sampled since the last call (sampled every 100 ms). */
  takePeakRssMb(): number {
    const peak = Math.max(this.peak, this.rssMb());
    this.peak = 0;
    return peak;
  }

  /** The sum of every sample of a Prometheus counter. */
  async counter(name: string): Promise<number> {
    return (await this.counters([name]))[0];
  }

  /** Several at once: one scrape (a scrape costs the process being measured). */
  async counters(names: string[]): Promise<number[]> {
    const lines = await this.metricLines();
    return names.map((name) => sumOf(lines, (line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`)));
  }

  /** For each selector, the sum of the samples whose line (name and labels) contains every one of its parts; one scrape. */
  async samples(selectors: string[][]): Promise<number[]> {
    const lines = await this.metricLines();
    return selectors.map((parts) => sumOf(lines, (line) => parts.every((p) => line.includes(p))));
  }

  private async metricLines(): Promise<string[]> {
    const res = await fetch(`${this.url}/metrics`, { headers: { authorization: `Bearer ${this.metricsToken}` } });
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    return (await res.text()).split('\n');
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

function sumOf(lines: string[], matches: (line: string) => boolean): number {
  let sum = 0;
  for (const line of lines) if (!line.startsWith('#') && matches(line)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}
