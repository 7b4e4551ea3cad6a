import { backoffDelay } from '@custody/errors';

export interface RetryBudget {
  /** Fetch attempts per record before it is dead-lettered. */
  attempts: number;
  initialMs: number;
  maxMs: number;
}

/**
 * Per connector instance: whether its vendor is failing, and until when it is left alone. From its
 * first failure until a fetch of it succeeds again, its new records are parked on the retry topic
 * without calling the vendor (the retry consumer's attempts are the probes), so a failing or hanging
 * vendor neither gets hammered nor slows the records of other instances.
 */
export class InstanceBackoff {
  private readonly failing = new Map<string, { failures: number; until: number }>();
  constructor(
    private readonly budget: RetryBudget,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failures since the instance last succeeded, and when it may be tried again; undefined while it is healthy. */
  failingSince(instance: string): { until: number; failures: number } | undefined {
    return this.failing.get(instance);
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
