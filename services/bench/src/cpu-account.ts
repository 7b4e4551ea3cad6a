import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * CPU time per process while a phase runs: the bench's own process (the load generator and the
 * baselines' clients), Custody's processes and the servers infra/local started (their pid files). On a machine whose cores all of them share,
 * CPU per unit of work decides the rates: a phase that keeps the cores busy runs at about
 * cores ÷ (CPU per unit), so comparing the CPU a record costs the pipeline with what an object costs
 * the MinIO baseline bounds the ratio the pipeline can reach there, whatever its tuning.
 */
export type CpuSample = Map<string, number>;

/** Linux reports utime and stime in clock ticks; 100 per second on every kernel config Node runs on here. */
const TICKS_PER_SECOND = 100;
const SERVERS = ['kafka', 'minio', 'opensearch'] as const;

function runDir(): string {
  return process.env.CUSTODY_RUN ?? join(process.env.CUSTODY_CACHE ?? join(homedir(), '.cache', 'custody'), 'run');
}

/** Pids of the local servers that are running; none when the stack is elsewhere (compose, remote). */
export function localServerPids(): Map<string, number> {
  const pids = new Map<string, number>();
  for (const name of SERVERS) {
    try {
      const pid = Number(readFileSync(join(runDir(), `${name}.pid`), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`)) pids.set(name, pid);
    } catch {
      // no pid file: that server is not one infra/local runs here
    }
  }
  return pids;
}

/** utime + stime + cutime + cstime (ms) and parent of every process, from one pass over /proc. */
function processTable(): Map<number, { ppid: number; cpuMs: number }> {
  const table = new Map<number, { ppid: number; cpuMs: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // after the command name (which may hold spaces): state, ppid, … utime, stime, cutime, cstime are fields 3–17
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      table.set(Number(entry), { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND });
    } catch {
      // gone between readdir and read
    }
  }
  return table;
}

/** CPU of a process and all its descendants: a server's pid file may name a wrapper (runuser) whose child does the work. */
function treeCpuMs(table: Map<number, { ppid: number; cpuMs: number }>, root: number): number | undefined {
  if (!table.has(root)) return undefined;
  let ms = 0;
  for (const [pid, p] of table) {
    for (let at = pid, hops = 0; at > 1 && hops < 64; at = table.get(at)?.ppid ?? 0, hops++) {
      if (at === root) {
        ms += p.cpuMs;
        break;
      }
    }
  }
  return ms;
}

/** `processes`: the servers and any other process to account separately (Custody's own when it runs in children), by name. */
export function sampleCpu(processes: Map<string, number>): CpuSample {
  const { user, system } = process.cpuUsage();
  const sample: CpuSample = new Map([['node (bench: load generator, baseline clients)', (user + system) / 1000]]);
  const table = processTable();
  for (const [name, pid] of processes) sample.set(name, treeCpuMs(table, pid) ?? 0);
  return sample;
}

/** CPU per process (ms) and wall time (ms) a phase spent over its runs. */
export interface CpuAccount {
  cpu: CpuSample;
  wallMs: number;
}

export const newAccount = (): CpuAccount => ({ cpu: new Map(), wallMs: 0 });

/** Runs `fn`, adding the CPU each process spent meanwhile, and the time it took, to `into`. */
export async function accounted<T>(servers: Map<string, number>, into: CpuAccount, fn: () => Promise<T>): Promise<T> {
  const before = sampleCpu(servers);
  const started = performance.now();
  try {
    return await fn();
  } finally {
    into.wallMs += performance.now() - started;
    for (const [name, ms] of sampleCpu(servers)) into.cpu.set(name, (into.cpu.get(name) ?? 0) + ms - (before.get(name) ?? 0));
  }
}

export const totalCpu = (a: CpuAccount) => [...a.cpu.values()].reduce((x, y) => x + y, 0);
