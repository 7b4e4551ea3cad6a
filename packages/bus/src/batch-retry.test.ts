import { Writable } from 'node:stream';
import { createLogger } from '@custody/logger';
import { BatchRetries } from './batch-retry';
import type { BatchContext, BusRecord } from './port';

const records: BusRecord[] = [{ topic: 't', partition: 1, offset: '40', key: 'k', value: Buffer.from('v'), headers: {}, timestamp: '0' }];

function setup(policy = { attempts: 3, ms: 60_000 }) {
  // no waiting between attempts: the jitter draws 0
  jest.spyOn(Math, 'random').mockReturnValue(0);
  const logged: Array<Record<string, unknown>> = [];
  const out = new Writable({ write: (chunk, _enc, done) => done(void logged.push(JSON.parse(String(chunk)))) });
  const log = createLogger('test', { level: 'debug' }, out);
  let now = 1_000;
  const retries = new BatchRetries(policy, () => now);
  const stopping = new AbortController();
  const ctx: BatchContext = { heartbeat: jest.fn(async () => undefined), signal: stopping.signal };
  return { retries, ctx, stopping, log, logged, events: (e: string) => logged.filter((l) => l.event === e), advance: (ms: number) => (now += ms) };
}

afterEach(() => jest.restoreAllMocks());

describe('BatchRetries', () => {
  test('retries the same batch until it goes through; reports it stalled past the attempts, and recovered', async () => {
    const { retries, ctx, log, events } = setup();
    retries.watch('g');
    const seen: number[] = [];
    let during: unknown;
    const handled = await retries.run(
      'g',
      async (batch) => {
        seen.push(batch.length);
        if (seen.length === 4) during = retries.stalled();
        if (seen.length < 5) throw new Error('down');
      },
      records,
      ctx,
      log,
    );
    expect(handled).toBe(true);
    expect(seen).toEqual([1, 1, 1, 1, 1]);
    expect(during).toEqual([{ group: 'g', batches: 1 }]);
    expect(retries.stalled()).toEqual([{ group: 'g', batches: 0 }]);
    expect(events('batch_retry').map((e) => [e.level, e.attempt, e.first_offset])).toEqual([
      [40, 1, '40'],
      [40, 2, '40'],
      [40, 3, '40'],
      [40, 4, '40'],
    ]);
    expect(events('batch_stalled')).toEqual([expect.objectContaining({ level: 50, attempts: 3, topic: 't', partition: 1, err: 'down' })]);
    expect(events('batch_recovered')).toEqual([expect.objectContaining({ attempts: 5 })]);
    expect(ctx.heartbeat).toHaveBeenCalledTimes(4);
  });

  test('a batch retried longer than the stall time is stalled too', async () => {
    const { retries, ctx, log, advance } = setup({ attempts: 1_000, ms: 30_000 });
    retries.watch('g');
    let during: unknown;
    let calls = 0;
    await retries.run(
      'g',
      async () => {
        calls++;
        if (calls === 2) advance(30_000);
        if (calls === 3) during = retries.stalled();
        if (calls < 3) throw new Error('down');
      },
      records,
      ctx,
      log,
    );
    expect(during).toEqual([{ group: 'g', batches: 1 }]);
  });

  test('a handler bug retried by the bus is logged as an error, not a warning', async () => {
    const { retries, ctx, log, events } = setup();
    let calls = 0;
    await retries.run(
      'g',
      async () => {
        if (calls++ === 0) throw new TypeError('bug');
      },
      records,
      ctx,
      log,
    );
    expect(events('batch_retry')).toEqual([expect.objectContaining({ level: 50, err: 'bug' })]);
  });

  test('gives the batch up (false) when the subscription stops or the consumer no longer owns it', async () => {
    const { retries, ctx, stopping, log } = setup();
    retries.watch('g');
    const stopped = retries.run(
      'g',
      async () => {
        stopping.abort();
        throw new Error('down');
      },
      records,
      ctx,
      log,
    );
    await expect(stopped).resolves.toBe(false);

    const other = setup();
    let calls = 0;
    const lost = other.retries.run(
      'g',
      async () => {
        calls++;
        throw new Error('down');
      },
      records,
      other.ctx,
      other.log,
      () => false,
    );
    await expect(lost).resolves.toBe(false);
    expect(calls).toBe(1);
    expect(retries.stalled()).toEqual([{ group: 'g', batches: 0 }]);
  });

  test('reports every watched group, and forgets a stopped one', () => {
    const { retries } = setup();
    retries.watch('a');
    retries.watch('b');
    retries.forget('a');
    expect(retries.stalled()).toEqual([{ group: 'b', batches: 0 }]);
  });
});
