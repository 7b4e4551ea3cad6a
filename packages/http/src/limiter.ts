import type { FastifyInstance } from 'fastify';

/** Events per minute per key. */
export interface Limiter {
  /** Counts one event against every key; false (and nothing counted) when any key is at its limit. */
  take(...keys: string[]): Promise<boolean>;
}

/**
 * A limiter on @fastify/rate-limit's store (fixed one-minute windows per key, bounded cache), for
 * what rejected requests cost (a quarantine or audit write) rather than for requests as such:
 * authentic traffic never counts against it. `createRateLimit` keys a request; here the key is the
 * caller's (instance, address), handed over as a request-shaped object.
 */
export function createLimiter(app: FastifyInstance, perMinute: number): Limiter {
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000, keyGenerator: (req) => (req as unknown as { limitKey: string }).limitKey });
  const asRequest = (key: string) => ({ limitKey: key, routeOptions: { config: {} } }) as never;
  return {
    async take(...keys) {
      const states = await Promise.all(keys.map((k) => check(asRequest(k), { increment: false })));
      if (states.some((s) => !s.isAllowed && s.remaining <= 0)) return false;
      await Promise.all(keys.map((k) => check(asRequest(k))));
      return true;
    },
  };
}
