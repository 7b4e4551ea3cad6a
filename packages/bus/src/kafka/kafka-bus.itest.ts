import { createServer, connect, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CircuitOpenError, isRetriable } from '@custody/errors';
import { freePort, requireStackEnv, testLogger, uniqueName, waitFor } from '@custody/testing';
import type { BusRecord } from '../port';
import { KafkaBus } from './kafka-bus';

/**
 * Kafka "down" without touching the shared broker: the bus under test bootstraps through a port
 * where nothing listens, then through a TCP relay to the real broker (Kafka's metadata then points
 * the client at the broker itself). The outage is at the bus's very first publish.
 */
describe('KafkaBus when Kafka is down at the first publish', () => {
  const env = requireStackEnv();
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        cb();
      },
    }),
  );
  const events = (event: string) => lines.filter((l) => l.event === event);
  let relay: Server | undefined;
  const sockets = new Set<Socket>();
  const buses: KafkaBus[] = [];

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => (relay ? relay.close(r) : r(undefined)));
  });

  function startRelay(port: number): Promise<void> {
    const [host, target] = env.KAFKA_BROKERS.split(',')[0].split(':');
    relay = createServer((client) => {
      const upstream = connect(Number(target), host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => relay!.listen(port, '127.0.0.1', () => resolve()));
  }

  test('fails fast and retriably, says so once, keeps nothing of the failed connect, and publishes once Kafka answers', async () => {
    const topic = uniqueName('down-at-first-');
    const admin = new KafkaBus({ brokers: env.KAFKA_BROKERS.split(','), clientId: uniqueName('admin-'), logger: testLogger() });
    buses.push(admin);
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);

    const port = await freePort();
    const bus = new KafkaBus({ brokers: [`127.0.0.1:${port}`], clientId: uniqueName('down-'), logger, circuitOpenMs: 200 });
    buses.push(bus);

    const first = await bus.publish(topic, [{ key: 'k', value: 'during the outage' }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRetriable(first)).toBe(true);
    // while the circuit is open, publishes are refused without trying
    const second = await bus.publish(topic, [{ key: 'k', value: 'during the outage' }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(CircuitOpenError);
    await expect(bus.probe()).rejects.toThrow(/kafka/);

    await startRelay(port);
    await waitFor(
      'a publish accepted once Kafka answers',
      async () =>
        bus.publish(topic, [{ key: 'k', value: 'after the outage' }]).then(
          () => true,
          () => undefined,
        ),
      60_000,
      250,
    );
    await expect(bus.probe()).resolves.toBeUndefined();

    expect(events('bus_unavailable')).toHaveLength(1);
    expect(events('bus_recovered')).toHaveLength(1);
    // the client's own connection errors are not logged as errors
    expect(events('kafka_client_log').filter((l) => (l.level as number) >= 50)).toEqual([]);

    const seen: BusRecord[] = [];
    const sub = await admin.subscribe({ groupId: uniqueName('g-'), topics: [topic], onBatch: async (rs) => void seen.push(...rs) });
    try {
      await waitFor('the record published after the outage', async () => (seen.length > 0 ? true : undefined), 60_000, 100);
      expect(seen.map((r) => r.value.toString('utf8'))).toEqual(['after the outage']);
    } finally {
      await sub.stop();
    }
  });
});
