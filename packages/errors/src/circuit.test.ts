import { CircuitBreaker, CircuitOpenError } from './circuit';
import { DependencyUnavailableError, isRetriable } from './errors';

function breaker() {
  let now = 1_000;
  const events: string[] = [];
  const cb = new CircuitBreaker({
    dependency: 'kafka',
    initialOpenMs: 1_000,
    maxOpenMs: 8_000,
    now: () => now,
    random: () => 0.5,
    onOpen: (err) => events.push(`open:${(err as Error).message}`),
    onClose: (ms, refused) => events.push(`close:${ms}:${refused}`),
  });
  return { cb, events, advance: (ms: number) => (now += ms) };
}

const down = () => Promise.reject(new Error('ECONNREFUSED'));

describe('CircuitBreaker', () => {
  test('passes calls through while closed', async () => {
    const { cb, events } = breaker();
    await expect(cb.run(async () => 42)).resolves.toBe(42);
    expect(cb.isOpen).toBe(false);
    expect(events).toEqual([]);
  });

  test('opens on a failure and then refuses at once with a retriable error, without calling through; says so once', async () => {
    const { cb, events } = breaker();
    await expect(cb.run(down)).rejects.toThrow('ECONNREFUSED');
    expect(cb.isOpen).toBe(true);
    const fn = jest.fn(async () => 1);
    for (let i = 0; i < 5; i++) {
      const err = await cb.run(fn).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect(err).toBeInstanceOf(CircuitOpenError);
      expect(isRetriable(err)).toBe(true);
      expect((err as Error).message).toContain('ECONNREFUSED');
    }
    expect(fn).not.toHaveBeenCalled();
    expect(events).toEqual(['open:ECONNREFUSED']);
  });

  test('lets one probe through after the open interval; its success closes the circuit and reports the outage once', async () => {
    const { cb, events, advance } = breaker();
    await cb.run(down).catch(() => undefined);
    await cb.run(async () => 1).catch(() => undefined); // refused
    advance(1_000);
    let release!: () => void;
    const probe = cb.run(() => new Promise<string>((r) => (release = () => r('ok'))));
    // while the probe is out, everyone else is still refused
    await expect(cb.run(async () => 2)).rejects.toBeInstanceOf(DependencyUnavailableError);
    release();
    await expect(probe).resolves.toBe('ok');
    expect(cb.isOpen).toBe(false);
    expect(events).toEqual(['open:ECONNREFUSED', 'close:1000:2']);
    await expect(cb.run(async () => 3)).resolves.toBe(3);
  });

  test('a failed probe opens it again for longer (jittered, capped)', async () => {
    const { cb, events, advance } = breaker();
    await cb.run(down).catch(() => undefined);
    advance(750); // 1 s ceiling, jitter puts the probe in [0.5 s, 1 s)
    await cb.run(down).catch(() => undefined);
    const intervals: number[] = [];
    for (let i = 0; i < 6; i++) {
      let waited = 0;
      for (;;) {
        const called = jest.fn(down);
        await cb.run(called).catch(() => undefined);
        if (called.mock.calls.length) break;
        advance(250);
        waited += 250;
      }
      intervals.push(waited);
    }
    expect(intervals).toEqual([1500, 3000, 6000, 6000, 6000, 6000]);
    expect(events).toEqual(['open:ECONNREFUSED']);
  });

  test('failures the dependency answered with (trips → false) do not open it', async () => {
    let now = 0;
    const cb = new CircuitBreaker({
      dependency: 'kafka',
      initialOpenMs: 1_000,
      maxOpenMs: 8_000,
      now: () => now,
      trips: (err) => (err as Error).message !== 'too large',
    });
    await expect(cb.run(() => Promise.reject(new Error('too large')))).rejects.toThrow('too large');
    expect(cb.isOpen).toBe(false);
    await cb.run(down).catch(() => undefined);
    expect(cb.isOpen).toBe(true);
    now += 1_000;
    await expect(cb.run(() => Promise.reject(new Error('too large')))).rejects.toThrow('too large');
    expect(cb.isOpen).toBe(false);
  });
});
