/**
 * Token buckets by key (connector instance, source address) for requests that failed
 * authentication: each one costs a write (quarantine, audit), so anyone on the internet could
 * otherwise fill the disk. Authentic traffic never reaches a bucket. The number of keys is bounded
 * so the limiter itself cannot be made to grow without limit.
 */
export class RejectionLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number, private readonly maxKeys = 10_000, private readonly now: () => number = Date.now) {}

  /** Takes one token from every key's bucket; false (and nothing taken) when any is empty. */
  take(...keys: string[]): boolean {
    const t = this.now();
    const states = keys.map((k) => this.refill(k, t));
    if (states.some((s) => s.tokens < 1)) return false;
    for (const s of states) s.tokens -= 1;
    return true;
  }

  private refill(key: string, t: number) {
    let s = this.buckets.get(key);
    if (!s) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      s = { tokens: this.perMinute, at: t };
      this.buckets.set(key, s);
    }
    s.tokens = Math.min(this.perMinute, s.tokens + ((t - s.at) / 60_000) * this.perMinute);
    s.at = t;
    return s;
  }
}
