import { backoffDelay } from '@custody/errors';

export interface RetryBudget {
  /** Fetch attempts per record before it is dead-lettered. */
  attempts: number;
  initialMs: number;
  maxMs: number;
}

/**
 * Per connector instance: how long its vendor is left alone after failing. While an instance
 * backs off, its new records are parked on the retry topic without calling the vendor, so a failing
 * vendor neither gets hammered nor slows the records of other instances.
 */
export class InstanceBackoff {
  private readonly failing = new Map<string, { failures: number; until: number }>();
  constructor(private readonly budget: RetryBudget, private readonly now: () => number = Date.now, private readonly random: () => number = Math.random) {}

  /** When the instance may be tried again, if it is backing off now. */
  backingOff(instance: string): { until: number; failures: number } | undefined {
    const f = this.failing.get(instance);
    return f && f.until > this.now() ? f : undefined;
  }

  failed(instance: string): void {
    const failures = (this.failing.get(instance)?.failures ?? 0) + 1;
    this.failing.set(instance, { failures, until: this.now() + this.delay(failures - 1) });
  }

  succeeded(instance: string): void {
    this.failing.delete(instance);
  }

  /** Full-jitter exponential delay before attempt `attempt + 1`. */
  delay(attempt: number): number {
    return backoffDelay(attempt, this.budget, this.random);
  }
}
