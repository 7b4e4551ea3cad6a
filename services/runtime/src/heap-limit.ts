import type { Config } from '@custody/config';

/** The pipeline services stream records through and hold no caches: a small heap is all they need. */
const PIPELINE_SERVICES = new Set(['gateway', 'archiver', 'media']);
const PIPELINE_HEAP_MB = 160;
/**
 * `custody export` holds its plan (about 300 bytes a record in scope) and one unit (a volume of at
 * most 2,000 records) at a time; left to itself V8 lets the heap grow lazily to several times that.
 */
const EXPORT_HEAP_MB = 192;
const FLAG = '--max-old-space-size';

/** The heap limit `custody start` (or `custody export`) runs under, in MiB, or undefined for Node's own (see CUSTODY_MAX_HEAP_MB). */
export function heapLimitFor(config: Pick<Config, 'CUSTODY_MAX_HEAP_MB' | 'CUSTODY_SERVICES'>, command: 'start' | 'export' = 'start'): number | undefined {
  if (config.CUSTODY_MAX_HEAP_MB !== undefined) return config.CUSTODY_MAX_HEAP_MB || undefined;
  if (command === 'export') return EXPORT_HEAP_MB;
  return config.CUSTODY_SERVICES.every((s) => PIPELINE_SERVICES.has(s)) ? PIPELINE_HEAP_MB : undefined;
}

/** Whether this process was started with a heap limit of its own (a flag, or NODE_OPTIONS): that one wins. */
export function heapFlagGiven(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return execArgv.some((a) => a.startsWith(FLAG)) || nodeOptions.split(/\s+/).some((a) => a.startsWith(FLAG));
}

/**
 * V8 fixes its heap limit when the process starts, so a limit from the configuration takes a
 * restart: the process replaces itself (same pid, same arguments, environment and open stdio) with
 * the flag added. Nothing has run yet but reading the configuration. Returns only when no restart is
 * needed, or the Node line cannot replace a process (process.execve: Node ≥ 22.15).
 */
export function applyHeapLimit(
  config: Pick<Config, 'CUSTODY_MAX_HEAP_MB' | 'CUSTODY_SERVICES'>,
  warn: (message: string) => void,
  command: 'start' | 'export' = 'start',
): void {
  const mb = heapLimitFor(config, command);
  if (mb === undefined || heapFlagGiven()) return;
  if (typeof process.execve !== 'function') {
    warn(`cannot apply a heap limit of ${mb} MB on Node ${process.version} (no process.execve); start node with ${FLAG}=${mb}`);
    return;
  }
  process.execve(process.execPath, [process.execPath, `${FLAG}=${mb}`, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
