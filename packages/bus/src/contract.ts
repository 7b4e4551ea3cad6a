import { isRetriable } from '@custody/errors';
import { uniqueName, waitFor } from '@custody/testing';
import type { StallPolicy } from './batch-retry';
import type { Bus, BusRecord, OutgoingMessage, Subscription } from './port';

/** The stall policy the harness's bus is built with: a few quick failures, so the test need not wait a minute. */
export const CONTRACT_STALL: StallPolicy = { attempts: 3, ms: 60_000 };

export interface BusHarness {
  /** Built with `stall: CONTRACT_STALL`. */
  bus: Bus;
  cleanup(): Promise<void>;
  /** A bus of the same kind whose server or directory cannot be reached (for probe). */
  unreachable(): Promise<Bus>;
}

/**
 * The Bus port's contract: every adapter must pass these same tests. Compaction is not here:
 * Kafka compacts lazily, so only the embedded bus can be held to "latest per key" on read.
 * Retention (TopicSpec.retentionMs / retentionBytes) is not here either: Kafka deletes whole
 * closed segments, on its own schedule (log.retention.check.interval.ms), so no test can say when a
 * record is gone. The embedded bus's retention is tested in embedded/*.test.ts.
 */
export function busContract(name: string, make: () => Promise<BusHarness>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    let cleanup: (() => Promise<void>) | undefined;
    let unreachable: () => Promise<Bus>;
    const subscriptions: Subscription[] = [];

    beforeAll(async () => {
      ({ bus, cleanup, unreachable } = await make());
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });
    afterAll(async () => {
      await cleanup?.();
    });

    async function topic(partitions: number): Promise<string> {
      const name = uniqueName('contract-');
      await bus.ensureTopics([{ name, partitions }]);
      return name;
    }

    /** Subscribes with a handler that keeps every delivered record. */
    async function consume(topics: string[], groupId = uniqueName('group-')) {
      const records: BusRecord[] = [];
      const sub = await bus.subscribe({ groupId, topics, onBatch: async (batch) => void records.push(...batch) });
      subscriptions.push(sub);
      return {
        groupId,
        records,
        sub,
        received: (n: number) => waitFor(`${n} records for ${groupId}`, async () => (records.length >= n ? records : undefined), 60_000, 50),
      };
    }

    const lagIs = (groupId: string, topics: string[], n: number) =>
      waitFor(`lag ${n} for ${groupId}`, async () => ((await bus.lag(groupId, topics)) === n ? true : undefined), 60_000, 100);

    const values = (records: BusRecord[]) => records.map((r) => r.value.toString('utf8'));

    test('delivers each key in publish order on one partition, with key, value and headers intact', async () => {
      const t = await topic(3);
      const keys = ['tenant-a:conv-1', 'tenant-a:conv-2', 'tenant-b:conv-1', 'tenant-c:conv-9'];
      const messages: OutgoingMessage[] = Array.from({ length: 40 }, (_, i) => ({
        key: keys[i % keys.length],
        value: `${keys[i % keys.length]}#${i}`,
        headers: { seq: String(i) },
      }));
      await bus.publish(t, messages.slice(0, 25));
      await bus.publish(t, messages.slice(25));
      await bus.publish(t, [{ key: 'binary', value: Buffer.from([0, 255, 10, 13, 128]) }]);

      const c = await consume([t]);
      await c.received(41);
      await lagIs(c.groupId, [t], 0);
      expect(c.records).toHaveLength(41);
      for (const key of keys) {
        const mine = c.records.filter((r) => r.key === key);
        expect(values(mine)).toEqual(messages.filter((m) => m.key === key).map((m) => m.value));
        expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
        const offsets = mine.map((r) => BigInt(r.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
      }
      const first = c.records.find((r) => r.headers.seq === '0')!;
      expect(first).toMatchObject({ topic: t, key: keys[0], headers: { seq: '0' } });
      expect(Number(first.timestamp)).toBeGreaterThan(Date.now() - 600_000);
      expect(c.records.find((r) => r.key === 'binary')!.value).toEqual(Buffer.from([0, 255, 10, 13, 128]));
    });

    test('commits only after the handler resolves: lag holds while a batch is in flight, a failed batch comes back unchanged', async () => {
      const t = await topic(1);
      await bus.publish(
        t,
        ['m0', 'm1', 'm2'].map((value) => ({ key: 'k', value })),
      );
      const groupId = uniqueName('group-');
      const attempts: string[][] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let retried!: () => void;
      const retrying = new Promise<void>((resolve) => (retried = resolve));
      const sub = await bus.subscribe({
        groupId,
        topics: [t],
        onBatch: async (batch) => {
          attempts.push(batch.map((r) => r.offset));
          if (attempts.length === 1) throw new Error('transient outage');
          retried();
          await gate;
        },
      });
      subscriptions.push(sub);
      try {
        await retrying;
        expect(attempts[1]).toEqual(attempts[0]);
        expect(attempts[0][0]).toBe('0');
        expect(await bus.lag(groupId, [t])).toBe(3);
      } finally {
        release();
      }
      await lagIs(groupId, [t], 0);
    });

    test('a new subscription of the group resumes right after the last committed record', async () => {
      const t = await topic(1);
      await bus.publish(
        t,
        ['a0', 'a1', 'a2', 'a3', 'a4'].map((value) => ({ key: 'k', value })),
      );
      const first = await consume([t]);
      await first.received(5);
      await lagIs(first.groupId, [t], 0);
      await first.sub.stop();

      await bus.publish(
        t,
        ['b5', 'b6', 'b7'].map((value) => ({ key: 'k', value })),
      );
      const second = await consume([t], first.groupId);
      // one partition delivers in order: once a marker published now arrives, anything wrongly redelivered would have come before it
      await bus.publish(t, [{ key: 'k', value: 'marker' }]);
      await second.received(4);
      expect(values(second.records)).toEqual(['b5', 'b6', 'b7', 'marker']);
      expect(second.records.map((r) => r.offset)).toEqual(['5', '6', '7', '8']);
    });

    test('a batch that keeps failing is never skipped: stop leaves it uncommitted for the next subscription', async () => {
      const t = await topic(1);
      await bus.publish(
        t,
        ['x0', 'x1'].map((value) => ({ key: 'k', value })),
      );
      const groupId = uniqueName('group-');
      let attempts = 0;
      const failing = await bus.subscribe({
        groupId,
        topics: [t],
        onBatch: async () => {
          attempts++;
          throw new Error('down');
        },
      });
      subscriptions.push(failing);
      await waitFor('a retry', async () => (attempts >= 2 ? true : undefined), 60_000, 50);
      await failing.stop();
      expect(await bus.lag(groupId, [t])).toBe(2);

      const next = await consume([t], groupId);
      await next.received(2);
      expect(values(next.records)).toEqual(['x0', 'x1']);
      await lagIs(groupId, [t], 0);
    });

    test('a batch failing past the stall policy counts as stalled for its group until it goes through; a stopped group is no longer reported', async () => {
      const t = await topic(1);
      await bus.publish(t, [{ key: 'k', value: 's0' }]);
      const groupId = uniqueName('group-');
      let failing = true;
      const sub = await bus.subscribe({
        groupId,
        topics: [t],
        onBatch: async () => {
          if (failing) throw new Error('down');
        },
      });
      subscriptions.push(sub);
      const stalled = () => bus.stalledBatches().find((s) => s.group === groupId)?.batches;
      await waitFor('the batch reported stalled', async () => (stalled() === 1 ? true : undefined), 60_000, 50);
      failing = false;
      await lagIs(groupId, [t], 0);
      expect(stalled()).toBe(0);
      await sub.stop();
      expect(stalled()).toBeUndefined();
    });

    test('probe resolves while the bus works and rejects with a retriable error when it cannot be reached', async () => {
      await expect(bus.probe()).resolves.toBeUndefined();
      const broken = await unreachable();
      try {
        const err = await broken.probe().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Error);
        expect(isRetriable(err)).toBe(true);
      } finally {
        await broken.close();
      }
    });

    test('two groups each receive every record', async () => {
      const t = await topic(3);
      const sent = Array.from({ length: 12 }, (_, i) => `r${i}`);
      await bus.publish(
        t,
        sent.map((value, i) => ({ key: `k${i % 5}`, value })),
      );
      const [one, two] = await Promise.all([consume([t]), consume([t])]);
      await Promise.all([one.received(12), two.received(12)]);
      expect(values(one.records).sort()).toEqual([...sent].sort());
      expect(values(two.records).sort()).toEqual([...sent].sort());
    });

    test('an ephemeral group commits while subscribed and leaves no committed offsets once it stops', async () => {
      const t = await topic(1);
      await bus.publish(
        t,
        ['e0', 'e1', 'e2'].map((value) => ({ key: 'k', value })),
      );
      const groupId = uniqueName('throwaway-');
      const records: BusRecord[] = [];
      const sub = await bus.subscribe({ groupId, topics: [t], ephemeral: true, onBatch: async (batch) => void records.push(...batch) });
      await lagIs(groupId, [t], 0);
      expect(values(records)).toEqual(['e0', 'e1', 'e2']);
      await sub.stop();
      expect(await bus.lag(groupId, [t])).toBe(3);
    });

    test('lag counts the records a group has not committed, summed over partitions and topics', async () => {
      const [a, b] = [await topic(3), await topic(1)];
      await bus.publish(
        a,
        Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, value: `a${i}` })),
      );
      await bus.publish(b, [{ key: 'k', value: 'b0' }, { value: 'b1' }]);
      const groupId = uniqueName('group-');
      expect(await bus.lag(groupId, [a, b])).toBe(6);

      const c = await consume([a], groupId);
      await c.received(4);
      await lagIs(groupId, [a], 0);
      expect(await bus.lag(groupId, [a, b])).toBe(2);
    });
  });
}
