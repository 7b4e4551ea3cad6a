import { InstanceBackoff } from './instance-backoff';

describe('InstanceBackoff', () => {
  test('each instance backs off on its own, longer with each failure, and recovers on success', () => {
    let now = 1_000;
    const backoff = new InstanceBackoff({ attempts: 5, initialMs: 100, maxMs: 1_000 }, () => now, () => 0.999);
    backoff.failed('a');
    expect(backoff.backingOff('a')).toEqual({ failures: 1, until: 1_099 });
    expect(backoff.backingOff('b')).toBeUndefined();
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.backingOff('a')).toEqual({ failures: 3, until: 1_399 });
    for (let i = 0; i < 10; i++) backoff.failed('a');
    expect(backoff.backingOff('a')!.until).toBe(1_999); // capped at maxMs
    now = 2_000;
    expect(backoff.backingOff('a')).toBeUndefined(); // due again: the next record is tried
    backoff.failed('a');
    backoff.succeeded('a');
    expect(backoff.backingOff('a')).toBeUndefined();
  });
});
