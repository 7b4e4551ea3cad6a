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
}

/** Posts deliveries to Custody's webhooks, `concurrency` at a time; any answer but 200 fails the bench. Returns the events sent. */
export async function postDeliveries(url: string, deliveries: Iterator<Delivery>, opts: PostOptions): Promise<number> {
  let sent = 0;
  let taken = 0;
  let lastProgress = performance.now();
  await mapLimit(Array.from({ length: opts.concurrency }), opts.concurrency, async () => {
    for (let next = deliveries.next(); !next.done && (opts.until === undefined || performance.now() < opts.until); next = deliveries.next()) {
      const d = next.value;
      const seq = taken++;
      const res = await fetch(`${url}/webhooks/${d.instance}`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.headers }, body: d.body });
      const answer = await res.text();
      if (res.status !== 200) throw new Error(`webhook ${d.instance} answered ${res.status}: ${answer.slice(0, 500)}`);
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
