import { ProduceCoalescer, type TopicBatch } from './produce-coalescer';

/** A send whose requests the test completes by hand, in order. */
function manualSend() {
  const requests: Array<{ batches: TopicBatch<string>[]; done(err?: unknown): void }> = [];
  const send = (batches: TopicBatch<string>[]) =>
    new Promise<void>((resolve, reject) => requests.push({ batches, done: (err) => (err ? reject(err) : resolve()) }));
  return { requests, send };
}

const flush = () => new Promise((r) => setImmediate(r));
const refused = Object.assign(new Error('record too large'), { refusal: true });

function coalescer(send: (b: TopicBatch<string>[]) => Promise<void>, maxBatchBytes = 1000) {
  return new ProduceCoalescer<string>({ send, sizeOf: (m) => m.length, maxBatchBytes, isRefusal: (err) => (err as { refusal?: boolean }).refusal === true });
}

describe('ProduceCoalescer', () => {
  test('a publish while idle is sent at once, alone', async () => {
    const { requests, send } = manualSend();
    const c = coalescer(send);
    const p = c.publish('t', ['a']);
    expect(requests.map((r) => r.batches)).toEqual([[{ topic: 't', messages: ['a'] }]]);
    requests[0].done();
    await expect(p).resolves.toBeUndefined();
  });

  test('publishes made while a request is in flight go together in the next one, each resolving only when its own request is acknowledged', async () => {
    const { requests, send } = manualSend();
    const c = coalescer(send);
    const first = c.publish('t', ['a']);
    const settled: string[] = [];
    const second = c.publish('raw', ['r1']).then(() => settled.push('second'));
    const third = c.publish('t', ['b', 'c']).then(() => settled.push('third'));
    expect(requests).toHaveLength(1);
    requests[0].done();
    await first;
    await flush();
    expect(settled).toEqual([]);
    expect(requests[1].batches).toEqual([
      { topic: 'raw', messages: ['r1'] },
      { topic: 't', messages: ['b', 'c'] },
    ]);
    requests[1].done();
    await Promise.all([second, third]);
    expect(settled).toEqual(['second', 'third']);
  });

  test('a coalesced request stops at maxBatchBytes; a publish larger than that goes alone', async () => {
    const { requests, send } = manualSend();
    const c = coalescer(send, 10);
    const all = [c.publish('t', ['x']), c.publish('t', ['aaaa']), c.publish('t', ['bbbb']), c.publish('t', ['cccc']), c.publish('t', ['d'.repeat(30)])];
    for (let i = 0; i < 4; i++) {
      requests[i].done();
      await flush();
    }
    await Promise.all(all);
    expect(requests.map((r) => r.batches[0].messages)).toEqual([['x'], ['aaaa', 'bbbb'], ['cccc'], ['d'.repeat(30)]]);
  });

  test('an outage fails every publish of the request: none of them is acknowledged', async () => {
    const { requests, send } = manualSend();
    const c = coalescer(send);
    const first = c.publish('t', ['a']);
    const rest = [c.publish('t', ['b']), c.publish('t', ['c'])];
    requests[0].done();
    await first;
    await flush();
    requests[1].done(new Error('broker unreachable'));
    for (const p of rest) await expect(p).rejects.toThrow('broker unreachable');
    expect(requests).toHaveLength(2);
  });

  test('a refusal of a coalesced request is retried publish by publish, so only the refused one fails', async () => {
    const sent: string[][] = [];
    const c = coalescer(async (batches) => {
      const messages = batches.flatMap((b) => b.messages);
      sent.push(messages);
      if (messages.includes('bad')) throw refused;
    });
    const blocker = c.publish('t', ['a']);
    const good = c.publish('t', ['good']);
    const bad = c.publish('t', ['bad']);
    await blocker;
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toBe(refused);
    expect(sent).toEqual([['a'], ['good', 'bad'], ['good'], ['bad']]);
  });

  test('after a failure the next publishes are still sent', async () => {
    let fail = true;
    const c = coalescer(async () => {
      if (fail) throw new Error('down');
    });
    await expect(c.publish('t', ['a'])).rejects.toThrow('down');
    fail = false;
    await expect(c.publish('t', ['b'])).resolves.toBeUndefined();
  });
});
