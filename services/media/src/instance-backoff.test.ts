import { InstanceBackoff } from './instance-backoff';

describe('InstanceBackoff', () => {
  test('each instance backs off on its own, longer with each failure, until a fetch succeeds', () => {
    let now = 1_000;
    const backoff = new InstanceBackoff(
      { attempts: 5, initialMs: 100, maxMs: 1_000 },
      () => now,
      () => 0.999,
    );
    backoff.failed('a');
    expect(backoff.failingSince('a')).toEqual({ failures: 1, until: 1_099 });
    expect(backoff.failingSince('b')).toBeUndefined();
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.failingSince('a')).toEqual({ failures: 3, until: 1_399 });
    for (let i = 0; i < 10; i++) backoff.failed('a');
    expect(backoff.failingSince('a')!.until).toBe(1_999); // capped at maxMs
    now = 5_000;
    expect(backoff.failingSince('a')).toMatchObject({ failures: 13 }); // past due, still failing: parked records are the probes
    backoff.succeeded('a');
    expect(backoff.failingSince('a')).toBeUndefined();
  });
});
