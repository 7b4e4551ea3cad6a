import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '@custody/bus';
import { silentLogger, type Logger } from '@custody/logger';
import {
  ACTIVITY_HOURS,
  ActivityTracker,
  ConnectorActivityRow,
  addEvents,
  connectorHealth,
  emptyActivity,
  hourOf,
  mergeActivity,
  observeSequences,
  watchSilence,
} from './connector-activity';
import { ControlTable } from './control-table';

const H = 3_600_000;
const T0 = Date.parse('2025-03-10T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const policy = { minEventsPerHour: 1, afterMinutes: 60 };
const row = () => emptyActivity('w1', 'acme', 'host-a');

/** `perHour` events in each of the `hours` hours before T0 (the last in the hour ending at T0). */
function busy(hours: number, perHour: number): ConnectorActivityRow {
  let r = row();
  for (let i = hours; i >= 1; i--) r = addEvents(r, perHour, at(-i * H + 30 * 60_000));
  return r;
}
const health = (r: ConnectorActivityRow, now: Date) => connectorHealth(mergeActivity([r]).get('w1'), now, policy);

describe('events per hour', () => {
  test('counts events in hourly buckets and keeps the 7 days up to the newest', () => {
    let r = addEvents(row(), 3, at(0));
    r = addEvents(r, 2, at(10 * 60_000));
    r = addEvents(r, 1, at(H));
    expect(r.hours).toEqual([
      [hourOf(T0), 5],
      [hourOf(T0) + 1, 1],
    ]);
    expect(r.lastEventAt).toBe(at(H).toISOString());
    r = addEvents(r, 4, at(ACTIVITY_HOURS * H));
    expect(r.hours).toEqual([
      [hourOf(T0) + 1, 1],
      [hourOf(T0) + ACTIVITY_HOURS, 4],
    ]);
  });

  test('a late delivery never moves the last event time back; a delivery of no events still counts as one', () => {
    let r = addEvents(row(), 1, at(H));
    r = addEvents(r, 1, at(0));
    expect(r.lastEventAt).toBe(at(H).toISOString());
    r = addEvents(r, 0, at(2 * H));
    expect(r.lastEventAt).toBe(at(2 * H).toISOString());
    expect(r.hours.reduce((s, [, n]) => s + n, 0)).toBe(2);
  });

  test('the health view lists 168 hours up to now, and the trailing hour pro rata', () => {
    const r = addEvents(addEvents(row(), 10, at(-30 * 60_000)), 4, at(5 * 60_000));
    const h = health(r, at(15 * 60_000));
    expect(h.eventsPerHour).toHaveLength(ACTIVITY_HOURS);
    expect(h.eventsPerHour.at(-1)).toEqual({ hour: at(0).toISOString(), events: 4 });
    expect(h.eventsPerHour.at(-2)).toEqual({ hour: at(-H).toISOString(), events: 10 });
    // 4 this hour, and three quarters of the previous hour's 10
    expect(h.eventsLastHour).toBe(4 + 8);
  });
});

describe('silence', () => {
  test('a normally busy source is silent once nothing arrived for the threshold, since then', () => {
    const r = busy(48, 5);
    const last = Date.parse(r.lastEventAt!);
    expect(health(r, new Date(last + 59 * 60_000)).silent).toBe(false);
    const h = health(r, new Date(last + 60 * 60_000));
    expect(h).toMatchObject({ silent: true, since: new Date(last + 60 * 60_000).toISOString(), averagePerHour: 5 });
  });

  test('a source below the busy threshold is never silent', () => {
    const r = addEvents(busy(0, 0), 1, at(-100 * H));
    const quiet = addEvents(r, 1, at(-2 * H));
    // 2 events over 99 hours
    expect(health(quiet, at(30 * 24 * H))).toMatchObject({ silent: false, since: null });
    expect(health(quiet, at(0)).averagePerHour).toBeCloseTo(2 / 99, 3);
  });

  test('busy-ness is judged on the week before the last event: a month of silence stays silent', () => {
    const h = health(busy(24 * 7, 2), at(30 * 24 * H));
    expect(h.silent).toBe(true);
    expect(h.eventsLastHour).toBe(0);
  });

  test('an instance never seen is not silent', () => {
    expect(connectorHealth(undefined, at(0), policy)).toMatchObject({ lastEventAt: null, silent: false, since: null, gaps: [] });
  });

  test('watchSilence logs connector_silent once and connector_resumed when events come back', () => {
    const events: Array<Record<string, unknown>> = [];
    const logger = { warn: (o: Record<string, unknown>) => events.push(o), info: (o: Record<string, unknown>) => events.push(o) } as unknown as Logger;
    let r = busy(24, 3);
    let now = at(0);
    const watch = watchSilence({ activity: () => mergeActivity([r]), policy, logger, now: () => now, everyMs: 3_600_000 });
    try {
      watch.check();
      now = at(2 * H);
      watch.check();
      watch.check();
      r = addEvents(r, 1, at(2 * H + 1000));
      watch.check();
    } finally {
      watch.stop();
    }
    expect(events.map((e) => [e.event, e.instance])).toEqual([
      ['connector_silent', 'w1'],
      ['connector_resumed', 'w1'],
    ]);
  });
});

describe('sequence gaps', () => {
  const seen = (seqs: number[][]) => {
    let r = row();
    const gaps = [];
    for (const s of seqs) {
      const o = observeSequences(r, s, at(0));
      r = o.row;
      gaps.push(...o.gaps);
    }
    return { r, gaps };
  };

  test('consecutive numbers and redeliveries are no gap; the first number starts the sequence', () => {
    const { r, gaps } = seen([[100], [101, 102], [102], [101], [103]]);
    expect(gaps).toEqual([]);
    expect(r.lastSequence).toBe(103);
  });

  test('a jump is a gap naming from, to and how many are missing', () => {
    const { r, gaps } = seen([[7], [8], [12], [13, 20]]);
    expect(gaps.map(({ from, to, missing }) => ({ from, to, missing }))).toEqual([
      { from: 8, to: 12, missing: 3 },
      { from: 13, to: 20, missing: 6 },
    ]);
    expect(r.gaps).toHaveLength(2);
  });

  test('a late arrival inside a recorded gap lowers what it misses', () => {
    const { r } = seen([[1], [5], [3], [2], [2]]);
    expect(r.gaps.map(({ missing, arrived }) => ({ missing, arrived }))).toEqual([{ missing: 1, arrived: [3, 2] }]);
    expect(r.lastSequence).toBe(5);
  });

  test('only the latest gaps are kept', () => {
    const { r } = seen(Array.from({ length: 30 }, (_, i) => [i * 3]));
    expect(r.gaps).toHaveLength(20);
    expect(r.gaps.at(-1)).toMatchObject({ from: 84, to: 87 });
  });
});

test('rows of several writers merge: counts add up, the latest event wins, gaps from both', () => {
  const a = addEvents(emptyActivity('w1', 'acme', 'a'), 2, at(0));
  const b = observeSequences(addEvents(emptyActivity('w1', 'acme', 'b'), 3, at(60_000)), [1, 3], at(60_000)).row;
  const merged = mergeActivity([a, b, addEvents(emptyActivity('w2', 'acme', 'a'), 1, at(0))]);
  expect(merged.get('w1')).toMatchObject({ lastEventAt: at(60_000).toISOString(), hours: new Map([[hourOf(T0), 5]]), gaps: [{ from: 1, to: 3 }] });
  expect(merged.get('w2')?.hours.get(hourOf(T0))).toBe(1);
});

test('the tracker writes each instance at most once per flush, and a restarted tracker continues from its row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-activity-'));
  const bus = new EmbeddedBus({ dir, logger: silentLogger() });
  try {
    const table = new ControlTable(bus, 'activity', ConnectorActivityRow, silentLogger());
    await table.start();
    const puts: string[] = [];
    const put = table.put.bind(table);
    table.put = async (key, value) => {
      puts.push(key);
      return put(key, value);
    };
    const gaps: number[] = [];
    const tracker = new ActivityTracker({ table, logger: silentLogger(), writer: 'host-a', onGap: (_i, g) => gaps.push(g.missing) });
    const inst = { id: 'w1', tenant: 'acme' };
    for (let i = 0; i < 50; i++) tracker.record(inst, 2, [1000 + i + (i === 10 ? 5 : 0)], at(i * 1000));
    // readers see the counts before they are written
    expect(mergeActivity(tracker.rows()).get('w1')?.hours.get(hourOf(T0))).toBe(100);
    await tracker.stop();
    expect(puts).toEqual(['w1@host-a']);
    expect(gaps).toEqual([5]);

    const again = new ActivityTracker({ table, logger: silentLogger(), writer: 'host-a' });
    again.record(inst, 1, [1050], at(60_000));
    await again.stop();
    expect(table.get('w1@host-a')).toMatchObject({ lastSequence: 1050, hours: [[hourOf(T0), 101]] });
    await table.stop();
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
