import { hostname } from 'node:os';
import { z } from 'zod';
import type { Logger } from '@custody/logger';
import type { ControlTable } from './control-table';

/**
 * Completeness of capture, per connector instance: when it last delivered, how many events an
 * hour, whether a normally busy source went quiet, and where the vendor's own sequence numbers
 * (Telegram `update_id`, WeCom archive `seq`) jumped. Kept in a compacted control table so a restart
 * does not forget; each process that receives deliveries writes its own row per instance (key
 * `instance@writer`) at most once a minute, and readers merge the rows of an instance.
 */

const HOUR_MS = 3_600_000;
/** Hourly buckets kept: the 7 days up to an instance's latest event. */
export const ACTIVITY_HOURS = 168;
/** Recent sequence gaps kept per row. */
export const GAPS_KEPT = 20;

export const SequenceGap = z.object({
  at: z.string().describe('When the jump was seen (ISO 8601)'),
  from: z.number().int().describe('The last sequence number seen before the jump'),
  to: z.number().int().describe('The sequence number that arrived'),
  missing: z.number().int().nonnegative().describe('Numbers between the two not seen (yet): later arrivals inside the gap lower it'),
  arrived: z.array(z.number().int()).max(100).optional().describe('Numbers inside the gap that arrived later, out of order (the first 100)'),
});
export type SequenceGap = z.infer<typeof SequenceGap>;

export const ConnectorActivityRow = z.object({
  instance: z.string(),
  tenant: z.string(),
  /** The process (host) that counted these events. */
  writer: z.string(),
  lastEventAt: z.string().optional(),
  /** [hour index (epoch ms / 3,600,000), events in that hour], oldest first. */
  hours: z.array(z.tuple([z.number().int(), z.number().int().nonnegative()])).max(ACTIVITY_HOURS),
  lastSequence: z.number().int().optional(),
  gaps: z.array(SequenceGap).max(GAPS_KEPT),
});
export type ConnectorActivityRow = z.infer<typeof ConnectorActivityRow>;

/** Connector activity rows by `${instance}@${writer}`. */
export type ConnectorActivityTable = ControlTable<ConnectorActivityRow>;

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

export function emptyActivity(instance: string, tenant: string, writer: string): ConnectorActivityRow {
  return { instance, tenant, writer, hours: [], gaps: [] };
}

/** Counts `events` at `at`; buckets more than 7 days older than the newest are dropped. */
export function addEvents(row: ConnectorActivityRow, events: number, at: Date): ConnectorActivityRow {
  const ms = at.getTime();
  const lastEventAt = row.lastEventAt && Date.parse(row.lastEventAt) > ms ? row.lastEventAt : at.toISOString();
  if (events <= 0) return { ...row, lastEventAt };
  const hour = hourOf(ms);
  const counts = new Map(row.hours);
  counts.set(hour, (counts.get(hour) ?? 0) + events);
  const newest = Math.max(...counts.keys());
  const hours = [...counts]
    .filter(([h]) => h > newest - ACTIVITY_HOURS)
    .sort((a, b) => a[0] - b[0])
    .slice(-ACTIVITY_HOURS);
  return { ...row, lastEventAt, hours };
}

/**
 * The vendor's sequence numbers of one delivery, in the order given. A number more than one past
 * the last seen is a gap (recorded, never a reason to refuse); a number at or below it is a
 * redelivery or a late arrival, which fills a recorded gap it falls in. The first number an
 * instance ever shows starts the sequence.
 */
export function observeSequences(row: ConnectorActivityRow, sequences: readonly number[], at: Date): { row: ConnectorActivityRow; gaps: SequenceGap[] } {
  let last = row.lastSequence;
  let gaps: SequenceGap[] = row.gaps.map((g) => ({ ...g }));
  const found: SequenceGap[] = [];
  for (const seq of sequences) {
    if (!Number.isSafeInteger(seq)) continue;
    if (last === undefined) {
      last = seq;
      continue;
    }
    if (seq > last + 1) {
      const gap: SequenceGap = { at: at.toISOString(), from: last, to: seq, missing: seq - last - 1 };
      found.push(gap);
      gaps.push(gap);
    } else if (seq < last) {
      // a late arrival fills the gap it falls in, once (its redelivery does not count again)
      const filled = gaps.find((g) => g.from < seq && seq < g.to && g.missing > 0 && !g.arrived?.includes(seq));
      if (filled && (filled.arrived?.length ?? 0) < 100) {
        filled.missing--;
        filled.arrived = [...(filled.arrived ?? []), seq];
      }
    }
    last = Math.max(last, seq);
  }
  gaps = gaps.slice(-GAPS_KEPT);
  return { row: { ...row, lastSequence: last, gaps }, gaps: found };
}

/** One instance's activity, all writers' rows together. */
export interface InstanceActivity {
  instance: string;
  tenant: string;
  lastEventAt?: string;
  /** Events by hour index. */
  hours: Map<number, number>;
  gaps: SequenceGap[];
}

export function mergeActivity(rows: readonly ConnectorActivityRow[]): Map<string, InstanceActivity> {
  const out = new Map<string, InstanceActivity>();
  for (const row of rows) {
    let a = out.get(row.instance);
    if (!a) out.set(row.instance, (a = { instance: row.instance, tenant: row.tenant, hours: new Map(), gaps: [] }));
    if (row.lastEventAt && (!a.lastEventAt || Date.parse(row.lastEventAt) > Date.parse(a.lastEventAt))) a.lastEventAt = row.lastEventAt;
    for (const [h, n] of row.hours) a.hours.set(h, (a.hours.get(h) ?? 0) + n);
    a.gaps.push(...row.gaps);
  }
  for (const a of out.values()) a.gaps.sort((x, y) => x.at.localeCompare(y.at));
  return out;
}

export interface SilencePolicy {
  /** An instance whose average over the 7 days up to its last event reaches this is "normally busy" (CUSTODY_SILENCE_MIN_EVENTS_PER_HOUR). */
  minEventsPerHour: number;
  /** A normally busy instance is silent once nothing arrived for this long (CUSTODY_SILENCE_AFTER_MINUTES). */
  afterMinutes: number;
}

export interface ConnectorHealth {
  lastEventAt: string | null;
  /** Events in the trailing 60 minutes, from the hourly buckets (the previous hour pro rata). */
  eventsLastHour: number;
  /** The 168 hours up to now, oldest first; the last is the hour under way. */
  eventsPerHour: Array<{ hour: string; events: number }>;
  /** Average events an hour over the 7 days up to the last event (from the first hour seen when younger). */
  averagePerHour: number;
  silent: boolean;
  /** When silent: since when (the last event plus the silence threshold); else null. */
  since: string | null;
  gaps: SequenceGap[];
}

/**
 * Busy-ness is judged on the week before the last event, not the week before now: a source silent
 * for longer than a week stays silent rather than ageing out of "normally busy".
 */
export function averagePerHour(a: InstanceActivity | undefined): number {
  if (!a?.lastEventAt || a.hours.size === 0) return 0;
  const end = hourOf(Date.parse(a.lastEventAt));
  const inWindow = [...a.hours].filter(([h]) => h > end - ACTIVITY_HOURS && h <= end);
  if (inWindow.length === 0) return 0;
  const first = Math.min(...inWindow.map(([h]) => h));
  const total = inWindow.reduce((s, [, n]) => s + n, 0);
  return total / (end - first + 1);
}

export function connectorHealth(a: InstanceActivity | undefined, now: Date, policy: SilencePolicy): ConnectorHealth {
  const current = hourOf(now.getTime());
  const eventsPerHour = Array.from({ length: ACTIVITY_HOURS }, (_, i) => {
    const h = current - ACTIVITY_HOURS + 1 + i;
    return { hour: new Date(h * HOUR_MS).toISOString(), events: a?.hours.get(h) ?? 0 };
  });
  const last = a?.lastEventAt ? Date.parse(a.lastEventAt) : undefined;
  // the trailing 60 minutes from hourly buckets: the hour under way, and the previous hour's share still inside them
  const elapsed = (now.getTime() % HOUR_MS) / HOUR_MS;
  const eventsLastHour = Math.round((a?.hours.get(current) ?? 0) + (a?.hours.get(current - 1) ?? 0) * (1 - elapsed));
  const average = averagePerHour(a);
  const silentAt = last === undefined ? undefined : last + policy.afterMinutes * 60_000;
  const silent = silentAt !== undefined && average >= policy.minEventsPerHour && now.getTime() >= silentAt;
  return {
    lastEventAt: a?.lastEventAt ?? null,
    eventsLastHour,
    eventsPerHour,
    averagePerHour: Math.round(average * 1000) / 1000,
    silent,
    since: silent ? new Date(silentAt).toISOString() : null,
    gaps: a?.gaps ?? [],
  };
}

export interface ActivityTrackerOptions {
  table: ConnectorActivityTable;
  logger: Logger;
  /** Names this process's rows; default the host name. */
  writer?: string;
  flushEveryMs?: number;
  onGap?(instance: { id: string; tenant: string }, gap: SequenceGap): void;
}

/**
 * Counts deliveries in memory and writes each instance's row at most once per flush interval (a
 * minute), never per event. Readers see this process's unwritten counts too (`rows()`), so the
 * process that received a delivery answers for it at once.
 */
export class ActivityTracker {
  private readonly writer: string;
  private readonly pending = new Map<string, ConnectorActivityRow>();
  private readonly own = new Map<string, ConnectorActivityRow>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ActivityTrackerOptions) {
    this.writer = opts.writer ?? hostname();
  }

  private keyOf(instance: string): string {
    return `${instance}@${this.writer}`;
  }

  /** An authentic delivery for `inst` with `events` vendor events and the vendor's sequence numbers, if it numbers them. */
  record(inst: { id: string; tenant: string }, events: number, sequences: readonly number[] = [], at = new Date()): SequenceGap[] {
    const key = this.keyOf(inst.id);
    const base = this.own.get(key) ?? this.opts.table.get(key) ?? emptyActivity(inst.id, inst.tenant, this.writer);
    const observed = observeSequences(addEvents(base, events, at), sequences, at);
    this.own.set(key, observed.row);
    this.pending.set(key, observed.row);
    for (const gap of observed.gaps) {
      this.opts.logger.warn({ event: 'sequence_gap', instance: inst.id, tenant: inst.tenant, from: gap.from, to: gap.to, missing: gap.missing });
      this.opts.onGap?.(inst, gap);
    }
    return observed.gaps;
  }

  /** Every row: the table's, with this process's newer ones in their place. */
  rows(): ConnectorActivityRow[] {
    const rows = new Map(this.opts.table.values().map((r) => [`${r.instance}@${r.writer}`, r]));
    for (const [key, row] of this.own) rows.set(key, row);
    return [...rows.values()];
  }

  start(): void {
    const every = this.opts.flushEveryMs ?? 60_000;
    this.timer = setInterval(() => void this.flush(), every);
    this.timer.unref();
  }

  /** Writes the rows changed since the last flush; a failed write is kept for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = [...this.pending];
      this.pending.clear();
      for (const [key, row] of batch) {
        try {
          await this.opts.table.put(key, row);
        } catch (err) {
          if (!this.pending.has(key)) this.pending.set(key, row);
          this.opts.logger.warn({ event: 'connector_activity_not_written', instance: row.instance, err: (err as Error).message });
        }
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

/**
 * Logs `connector_silent` when a normally busy instance goes quiet and `connector_resumed` when it
 * delivers again; checked every `everyMs`. Meant to run in one process (the one serving the API),
 * so each transition is logged once; a restart logs an instance still silent once more.
 */
export function watchSilence(opts: {
  activity: () => Map<string, InstanceActivity>;
  policy: SilencePolicy;
  logger: Logger;
  everyMs?: number;
  now?: () => Date;
}): { check(): void; stop(): void } {
  const silent = new Map<string, string>();
  const check = () => {
    const now = opts.now?.() ?? new Date();
    for (const a of opts.activity().values()) {
      const h = connectorHealth(a, now, opts.policy);
      const was = silent.has(a.instance);
      if (h.silent && !was) {
        silent.set(a.instance, h.since!);
        opts.logger.warn({
          event: 'connector_silent',
          instance: a.instance,
          tenant: a.tenant,
          last_event_at: h.lastEventAt,
          average_per_hour: h.averagePerHour,
          since: h.since,
        });
      } else if (!h.silent && was) {
        opts.logger.info({
          event: 'connector_resumed',
          instance: a.instance,
          tenant: a.tenant,
          last_event_at: h.lastEventAt,
          silent_since: silent.get(a.instance),
        });
        silent.delete(a.instance);
      }
    }
  };
  const timer = setInterval(check, opts.everyMs ?? 60_000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
