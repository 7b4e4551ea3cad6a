import { mapLimit } from '@custody/errors';
import type { Delivery } from './corpus';

export interface PostOptions {
  concurrency: number;
  /** Stop taking new deliveries at this performance.now() instant. */
  until?: number;
  /** Called about every 30 s with the events sent so far. */
  progress?: (sent: number) => void;
  /** Called when the delivery with sequence number `seq` (0 for the first taken) is acknowledged. */
  acked?: (seq: number, events: number) => void;
  /** Awaited before each delivery is taken: lets the caller hold the load back (backpressure). */
  ready?: () => Promise<void>;
}

const ATTEMPTS = 5;

/**
 * One delivery, retried as a vendor retries: a failed connection or a 5xx (Custody busy, or paused)
 * is tried again after a pause, up to ATTEMPTS times; a run of hours must not end on one hiccup.
 * Any other answer but 200 fails the bench. A retried delivery that had been taken is taken once.
 */
async function deliver(url: string, d: Delivery): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const res = await fetch(`${url}/webhooks/${d.instance}`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.headers }, body: d.body });
      const answer = await res.text();
      if (res.status === 200) return;
      failure = `webhook ${d.instance} answered ${res.status}: ${answer.slice(0, 500)}`;
      if (res.status < 500) throw new Error(failure);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      // fetch's TypeError: no answer at all (connection refused or reset)
      failure = `webhook ${d.instance}: ${err.message} (${String((err as { cause?: unknown }).cause ?? '')})`;
    }
    if (attempt >= ATTEMPTS) throw new Error(`${failure} — ${ATTEMPTS} attempts`);
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}

/** Posts deliveries to Custody's webhooks, `concurrency` at a time; any answer but 200 fails the bench. Returns the events sent. */
export async function postDeliveries(url: string, deliveries: Iterator<Delivery>, opts: PostOptions): Promise<number> {
  let sent = 0;
  let taken = 0;
  let lastProgress = performance.now();
  await mapLimit(Array.from({ length: opts.concurrency }), opts.concurrency, async () => {
    for (;;) {
      await opts.ready?.();
      const next = deliveries.next();
      if (next.done || (opts.until !== undefined && performance.now() >= opts.until)) break;
      const d = next.value;
      const seq = taken++;
      await deliver(url, d);
      sent += d.events;
      opts.acked?.(seq, d.events);
      if (opts.progress && performance.now() - lastProgress > 30_000) {
        lastProgress = performance.now();
        opts.progress(sent);
      }
    }
  });
  return sent;
}
