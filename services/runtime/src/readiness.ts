import { errorMessage, isRetriable, withRetry } from '@custody/errors';
import { json, type HttpResponse } from '@custody/http';
import type { Logger } from '@custody/logger';

export interface Dependency {
  /** Named in /readyz and the log: "kafka", "s3", "opensearch", "embedded-bus", … */
  name: string;
  probe(): Promise<void>;
}

/**
 * A verdict /readyz reads as it stands, never probes: whoever checks sets it (the WORM conformance
 * probe, at start-up and daily). A failed check makes the process unready.
 */
export interface Check {
  /** Named in /readyz: "worm-conformance". */
  name: string;
  /** Undefined while it passes; else what /readyz says of the failure: names only, never error text (the route is unauthenticated). */
  failure(): Record<string, unknown> | undefined;
}

export interface ReadinessOptions {
  dependencies: Dependency[];
  logger: Logger;
  /** A probe result is reused this long, so /readyz costs at most one probe per dependency per interval. */
  cacheMs?: number;
  /** A probe that has not answered by then counts as failed. */
  timeoutMs?: number;
  now?: () => number;
}

export interface ReadinessState {
  ready: boolean;
  /** What start-up still waits for (consumer groups joining, …); empty once started. */
  waitingFor: string[];
  /** ok or unavailable, per dependency. */
  dependencies: Record<string, 'ok' | 'unavailable'>;
  /** Per check, only when there are checks: `{ status: 'ok' }`, or `failed` with what the check says. */
  checks?: Record<string, { status: 'ok' | 'failed' } & Record<string, unknown>>;
}

/**
 * /readyz: ready when start-up finished and every dependency this process's services need answers
 * its probe. Probes run at most once per `cacheMs` (one in flight at a time, bounded by `timeoutMs`)
 * and answers come from that cache, so a load balancer polling often costs the dependencies nothing.
 * Liveness (/healthz) is separate: an outage makes a process unready, never "dead".
 */
export class Readiness {
  private readonly waiting = new Set<string>();
  private readonly checks: Check[] = [];
  private cached?: { at: number; failures: Map<string, string> };
  private refreshing?: Promise<Map<string, string>>;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ReadinessOptions) {
    this.cacheMs = opts.cacheMs ?? 3_000;
    this.timeoutMs = opts.timeoutMs ?? 2_500;
  }

  /** Marks something start-up waits for (logged as startup_waiting); the returned function marks it done. */
  waitFor(what: string): () => void {
    this.waiting.add(what);
    this.opts.logger.info({ event: 'startup_waiting', what }, `start-up waits for ${what}`);
    const started = this.now();
    return () => {
      if (!this.waiting.delete(what)) return;
      this.opts.logger.info({ event: 'startup_done', what, ms: this.now() - started });
    };
  }

  /** Adds a check; /readyz answers 503 while it fails. */
  addCheck(check: Check): void {
    this.checks.push(check);
  }

  async state(): Promise<ReadinessState> {
    const failures = await this.failures();
    const dependencies = Object.fromEntries(this.opts.dependencies.map((d) => [d.name, failures.has(d.name) ? 'unavailable' : 'ok'] as const));
    const checks = this.checks.map((c) => [c.name, c.failure()] as const);
    const ready = this.waiting.size === 0 && failures.size === 0 && checks.every(([, failure]) => !failure);
    const state: ReadinessState = { ready, waitingFor: [...this.waiting], dependencies };
    if (checks.length)
      state.checks = Object.fromEntries(checks.map(([name, failure]) => [name, failure ? { ...failure, status: 'failed' } : { status: 'ok' }]));
    return state;
  }

  /** The /readyz answer. Names failing dependencies, never their error text (the route is unauthenticated; details go to the log). */
  async response(extra: Record<string, unknown> = {}): Promise<HttpResponse> {
    const s = await this.state();
    if (s.ready) return json(200, { status: 'ready', ...extra, dependencies: s.dependencies, ...(s.checks && { checks: s.checks }) });
    const failing = Object.entries(s.dependencies)
      .filter(([, v]) => v !== 'ok')
      .map(([k]) => k);
    const failed = Object.entries(s.checks ?? {})
      .filter(([, v]) => v.status !== 'ok')
      .map(([k]) => k);
    const code = failing.length ? 'dependency_unavailable' : failed.length ? 'check_failed' : 'starting';
    const reasons = [failing.length ? `unavailable: ${failing.join(', ')}` : '', failed.length ? `failed: ${failed.join(', ')}` : ''].filter(Boolean);
    const message = reasons.length ? reasons.join('; ') : `starting: waiting for ${s.waitingFor.join(', ')}`;
    return json(503, { status: code === 'starting' ? 'starting' : 'unavailable', error: { code, message }, ...extra, ...s }, { 'retry-after': '5' });
  }

  private async failures(): Promise<Map<string, string>> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return this.cached.failures;
    this.refreshing ??= this.probeAll().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async probeAll(): Promise<Map<string, string>> {
    const results = await Promise.all(this.opts.dependencies.map(async (d) => [d.name, await this.probeOne(d)] as const));
    const failures = new Map(results.filter((r): r is readonly [string, string] => r[1] !== undefined));
    this.logChanges(failures);
    this.cached = { at: this.now(), failures };
    return failures;
  }

  private async probeOne(d: Dependency): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([d.probe(), timeout]);
      return undefined;
    } catch (err) {
      return errorMessage(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One line per change of a dependency's state, with the reason, instead of one per probe. */
  private logChanges(failures: Map<string, string>): void {
    const before = this.cached?.failures ?? new Map<string, string>();
    for (const [name, reason] of failures) {
      if (!before.has(name))
        this.opts.logger.warn({ event: 'readiness_dependency_unavailable', dependency: name, err: reason }, `not ready: ${name} unavailable`);
    }
    for (const name of before.keys()) {
      if (!failures.has(name)) this.opts.logger.info({ event: 'readiness_dependency_recovered', dependency: name });
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

/** How /readyz names the adapters of each mode. */
export const DEPENDENCY_NAMES = {
  stack: { bus: 'kafka', store: 's3', index: 'opensearch' },
  embedded: { bus: 'embedded-bus', store: 'archive-dir', index: 'embedded-index' },
} as const;

/** Whether a process's services read or write the archive store. */
export function usesArchiveStore(services: Set<string>): boolean {
  return ['archiver', 'media', 'api', 'disposition'].some((s) => services.has(s));
}

/** The dependencies a process needs, by the services it runs: every service uses the bus (control plane, audit). */
export function dependenciesFor(
  services: Set<string>,
  adapters: { bus: { probe(): Promise<void> }; store: { probe(): Promise<void> }; index: { probe(): Promise<void> } },
  mode: 'embedded' | 'stack',
): Dependency[] {
  const names = DEPENDENCY_NAMES[mode];
  const deps: Dependency[] = [{ name: names.bus, probe: () => adapters.bus.probe() }];
  if (usesArchiveStore(services)) deps.push({ name: names.store, probe: () => adapters.store.probe() });
  if (['archiver', 'api', 'disposition'].some((s) => services.has(s))) deps.push({ name: names.index, probe: () => adapters.index.probe() });
  return deps;
}

/**
 * Runs a start-up step (a consumer joining its group) after HTTP is up, so a restarted process
 * accepts webhooks while the group waits out a dead member's session. /readyz says "starting" until
 * it is done; outages are retried with jittered backoff until `signal` aborts (shutdown).
 */
export function startInBackground(readiness: Readiness, what: string, start: () => Promise<void>, signal: AbortSignal, logger: Logger): Promise<void> {
  const done = readiness.waitFor(what);
  return withRetry(start, isRetriable, { initialMs: 500, maxMs: 10_000, maxAttempts: Infinity, signal }, (err, attempt, delayMs) =>
    logger.warn({ event: 'startup_retry', what, attempt, delay_ms: delayMs, err: errorMessage(err) }),
  ).then(done, (err: unknown) => {
    if (signal.aborted) return;
    logger.error({ event: 'startup_failed', what, err: errorMessage(err) }, `${what} could not start; /readyz stays unready`);
  });
}
