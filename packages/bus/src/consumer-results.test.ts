import { Writable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import { CircuitOpenError, DependencyUnavailableError, IntegrityError, RejectedInputError, isRetriable } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { actOnResults, classify, deadLetter, isProgrammingError, ok, retry, type DeadLetterSink } from './consumer-results';
import type { Bus, BusRecord, OutgoingMessage } from './port';

describe('classify', () => {
  test.each([
    ['TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['RangeError', new RangeError('Invalid array length')],
    ['SyntaxError', new SyntaxError('Unexpected token')],
    ['ReferenceError', new ReferenceError('x is not defined')],
  ])('a %s is a programming error: dead-lettered, never retried', (name, err) => {
    expect(isProgrammingError(err)).toBe(true);
    expect(classify('archive', err)).toEqual({ status: 'dlq', step: 'archive', reason: `${name}: ${err.message}`, cause: err });
  });

  test('a programming error from another realm (Node internals under jest) is recognised by its name', () => {
    const foreign = runInNewContext('new TypeError("from another realm")') as Error;
    expect(foreign instanceof TypeError).toBe(false);
    expect(classify('archive', foreign).status).toBe('dlq');
  });

  test('dependency outages are retried: DependencyUnavailableError, an open circuit', () => {
    const outage = new DependencyUnavailableError('s3', 'connect ECONNREFUSED');
    expect(classify('archive', outage)).toEqual({ status: 'retry', step: 'archive', error: outage });
    expect(classify('index', new CircuitOpenError('opensearch', 'circuit open')).status).toBe('retry');
  });

  test('a non-retriable Custody error is the data: dead-lettered with its code', () => {
    expect(classify('raw', new RejectedInputError('schema_violation', 'no tenant'))).toMatchObject({
      status: 'dlq',
      step: 'raw',
      reason: 'schema_violation: no tenant',
    });
    expect(classify('archive', new IntegrityError('sha256 mismatch'))).toMatchObject({ status: 'dlq', reason: 'integrity_violation: sha256 mismatch' });
  });

  test('anything else a client library threw unwrapped is treated as an outage', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classify('archive', reset)).toEqual({ status: 'retry', step: 'archive', error: reset });
    expect(classify('archive', 'a string').status).toBe('retry');
  });
});

describe('actOnResults', () => {
  const record = (offset: string, headers: Record<string, string> = {}): BusRecord => ({
    topic: 'custody.customer-data.v1',
    partition: 2,
    offset,
    key: 'acme:c1',
    value: Buffer.from(`record ${offset}`),
    headers,
    timestamp: '0',
  });

  function sink(opts: Partial<DeadLetterSink> = {}) {
    const published: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
    const logged: Array<Record<string, unknown>> = [];
    const bus = { publish: async (topic: string, messages: OutgoingMessage[]) => void published.push({ topic, messages }) } as unknown as Bus;
    const out = new Writable({ write: (chunk, _enc, done) => done(void logged.push(JSON.parse(String(chunk)))) });
    const metrics = { deadLettered: jest.fn() };
    const s: DeadLetterSink = { bus, topic: 'custody.dlq.v1', logger: createLogger('test', { level: 'debug' }, out), metrics, ...opts };
    return { s, published, logged, metrics };
  }

  test('dead-letters every dlq result with the original key, bytes and headers plus the reason headers; counts and logs each', async () => {
    const { s, published, logged, metrics } = sink();
    const records = [record('10', { tenant: 'acme', channel: 'whatsapp' }), record('11'), record('12', { tenant: 'acme' })];
    const n = await actOnResults(s, records, [deadLetter('decode', 'not valid JSON'), ok(null), deadLetter('index', 'x'.repeat(3000))]);
    expect(n).toBe(2);
    expect(published).toHaveLength(1);
    expect(published[0].topic).toBe('custody.dlq.v1');
    const [first, second] = published[0].messages;
    expect(first).toEqual({
      key: 'acme:c1',
      value: Buffer.from('record 10'),
      headers: {
        tenant: 'acme',
        channel: 'whatsapp',
        dlq_reason: 'not valid JSON',
        dlq_step: 'decode',
        dlq_source_topic: 'custody.customer-data.v1',
        dlq_source_partition: '2',
        dlq_source_offset: '10',
        dlq_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
    });
    expect(second.headers!.dlq_reason).toHaveLength(2000);
    expect(metrics.deadLettered.mock.calls).toEqual([
      ['decode', { tenant: 'acme', channel: 'whatsapp' }],
      ['index', { tenant: 'acme' }],
    ]);
    const events = logged.filter((l) => l.event === 'record_dead_lettered');
    expect(events).toEqual([
      expect.objectContaining({ level: 40, step: 'decode', reason: 'not valid JSON', topic: 'custody.customer-data.v1', partition: 2, offset: '10' }),
      expect.objectContaining({ level: 40, step: 'index', offset: '12' }),
    ]);
  });

  test('a record dead-lettered for a programming error is logged as an error, with the stack', async () => {
    const { s, logged } = sink();
    await actOnResults(s, [record('5')], [classify('archive', new TypeError('oops'))]);
    const [event] = logged.filter((l) => l.event === 'record_dead_lettered');
    expect(event).toMatchObject({
      level: 50,
      step: 'archive',
      reason: 'TypeError: oops',
      err: { type: 'TypeError', message: 'oops', stack: expect.stringContaining('TypeError: oops') },
    });
  });

  test('any retry throws a retriable error naming the step, and nothing is dead-lettered', async () => {
    const { s, published, metrics } = sink();
    const err = await actOnResults(
      s,
      [record('1'), record('2')],
      [deadLetter('decode', 'bad'), retry('archive', new DependencyUnavailableError('s3', 'down'))],
    ).catch((e: unknown) => e);
    expect(isRetriable(err)).toBe(true);
    expect((err as Error).message).toBe('step archive: s3: down');
    expect(published).toEqual([]);
    expect(metrics.deadLettered).not.toHaveBeenCalled();
  });

  test('nothing to dead-letter publishes nothing', async () => {
    const { s, published } = sink();
    expect(await actOnResults(s, [record('1')], [ok(1)])).toBe(0);
    expect(published).toEqual([]);
  });

  test('a consumer whose records hop through a retry topic names where each was first read, and extra headers are kept', async () => {
    const { s, published } = sink({ origin: (r) => ({ topic: r.headers.first_topic, partition: r.headers.first_partition, offset: r.headers.first_offset }) });
    const hopped = { ...record('3', { first_topic: 'cd', first_partition: '0', first_offset: '77' }), topic: 'retry' };
    await actOnResults(s, [hopped], [deadLetter('media', 'gone', { headers: { media_attempts: '5' } })]);
    expect(published[0].messages[0].headers).toMatchObject({
      media_attempts: '5',
      dlq_step: 'media',
      dlq_source_topic: 'cd',
      dlq_source_partition: '0',
      dlq_source_offset: '77',
    });
  });

  test('a failed dead-letter publish rejects, so the bus retries the batch', async () => {
    const { s } = sink({ bus: { publish: async () => Promise.reject(new DependencyUnavailableError('kafka', 'not enough replicas')) } as unknown as Bus });
    await expect(actOnResults(s, [record('1')], [deadLetter('decode', 'bad')])).rejects.toThrow('not enough replicas');
  });
});
