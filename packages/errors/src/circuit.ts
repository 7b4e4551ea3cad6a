import { backoffDelay } from './backoff';
import { DependencyUnavailableError, errorMessage } from './errors';

/** Refused without trying: the outage was already reported once (when the circuit opened). */
export class CircuitOpenError extends DependencyUnavailableError {}

export interface CircuitBreakerOptions {
  /** Named in errors and in the transition callbacks ("kafka"). */
  dependency: string;
  /** Wait before the first half-open probe; doubles (jittered) per failed probe up to maxOpenMs. */
  initialOpenMs: number;
  maxOpenMs: number;
  /** Called once when the circuit opens, not once per refused call. */
  onOpen?: (err: unknown) => void;
  /** Called once when a probe succeeds, with how long the dependency was out and how many calls were refused meanwhile. */
  onClose?: (outageMs: number, refused: number) => void;
  /** Whether a failure says the dependency is out (default: every failure). A refused bad request is not an outage. */
  trips?: (err: unknown) => boolean;
  now?: () => number;
  random?: () => number;
}

/**
 * Fail fast while a dependency is out. Closed: calls go through; a failure opens the circuit.
 * Open: calls are refused at once with a retriable DependencyUnavailableError (the HTTP layer turns
 * it into 503 + Retry-After) instead of each one waiting out the client's own retries. After the
 * open interval one call is let through as a probe (half-open); its success closes the circuit, its
 * failure opens it again for a longer, jittered interval. Small on purpose: one dependency, one
 * probe at a time, no statistics window, which is all a single producer needs.
 */
export class CircuitBreaker {
  private state: 'closed' | 'open' | 'half-open' = 'closed';
  private openedAt = 0;
  private retryAt = 0;
  private failedProbes = 0;
  private refused = 0;
  private lastError = '';

  constructor(private readonly opts: CircuitBreakerOptions) {}

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** The failure that opened the circuit, for readiness answers. */
  get reason(): string {
    return this.lastError;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const now = this.now();
    if (this.state === 'half-open' || (this.state === 'open' && now < this.retryAt)) {
      this.refused++;
      throw new CircuitOpenError(this.opts.dependency, `unavailable (circuit open: ${this.lastError}); retry later`);
    }
    if (this.state === 'open') this.state = 'half-open';
    const probing = this.state === 'half-open';
    try {
      const out = await fn();
      if (this.state !== 'closed') this.close();
      return out;
    } catch (err) {
      if (this.opts.trips?.(err) === false) {
        // the dependency answered: as good as a success for the circuit
        if (this.state !== 'closed') this.close();
      } else this.fail(err, probing);
      throw err;
    }
  }

  private fail(err: unknown, probing: boolean): void {
    this.lastError = errorMessage(err);
    if (probing) this.failedProbes++;
    const wasClosed = this.state === 'closed';
    if (wasClosed) {
      this.openedAt = this.now();
      this.refused = 0;
      this.failedProbes = 0;
    }
    this.state = 'open';
    // at least half the interval: full jitter alone could probe again at once
    const ceiling = backoffDelay(this.failedProbes, { initialMs: this.opts.initialOpenMs, maxMs: this.opts.maxOpenMs }, () => 1 - Number.EPSILON);
    this.retryAt = this.now() + Math.ceil(ceiling / 2) + Math.floor(this.random() * (ceiling / 2));
    if (wasClosed) this.opts.onOpen?.(err);
  }

  private close(): void {
    const outage = this.now() - this.openedAt;
    const refused = this.refused;
    this.state = 'closed';
    this.failedProbes = 0;
    this.refused = 0;
    this.lastError = '';
    this.opts.onClose?.(outage, refused);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private random(): number {
    return (this.opts.random ?? Math.random)();
  }
}
