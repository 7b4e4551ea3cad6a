import { randomBytes } from 'node:crypto';
import { signWhatsAppBody } from '@custody/connectors';
import type { OpenSearchIndex, SearchIndex } from '@custody/search-index';
import { mapLimit } from '@custody/errors';
import { percentile } from './stats';
import { whatsappDelivery } from './whatsapp-delivery';

export interface PipelineRun {
  throughput: number;
  p50: number;
  p99: number;
  /** Webhook acknowledgement (200) latency. */
  ackP50: number;
  ackP99: number;
  accepted: number;
}

export function webhookBody(marker: string, i: number): string {
  const customer = `1650555${String(1000 + (i % 9000)).padStart(4, '0')}`;
  const id = `wamid.${randomBytes(12).toString('base64url')}`;
  return whatsappDelivery({
    customer,
    name: 'Bench Client',
    messages: [
      {
        from: customer,
        id,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: `${marker} message ${i}: please confirm the order for 100 shares` },
      },
    ],
  });
}

/** Per record: when its POST started, when it was acknowledged, when a search first returned it. */
interface Timings {
  postedAt: Map<string, number>;
  ackMs: number[];
}

/**
 * Which of the acknowledged records are indexed now. `marker` is in every record's text of the run;
 * `pending` are the acknowledged ids not seen yet.
 */
export type FindIndexed = (marker: string, pending: string[]) => Promise<string[]>;

/** A full-text search for the marker, straight from OpenSearch (no API, no audit): another process, so it holds nothing of Custody's. */
export function findInOpenSearch(index: OpenSearchIndex): FindIndexed {
  return async (marker) => {
    const res = await index.client.search({ index: index.index, body: { size: 10_000, _source: false, query: { match: { text: marker } } } });
    return (res.body.hits.hits as Array<{ _id: string }>).map((h) => h._id);
  };
}

const LOOKUPS_PER_POLL = 200;

/**
 * The embedded index answers in Custody's own event loop, synchronously: a full-text count every
 * 50 ms held it for ~11 ms each time and showed up as the webhooks' ack tail. A lookup by id per
 * pending record costs microseconds, and a committed document is searchable at once (no refresh
 * interval), so "found by id" is "searchable" here.
 */
export function findByIdThroughPort(index: SearchIndex, tenant: string): FindIndexed {
  return async (_marker, pending) => {
    // the oldest first, a bounded number per poll: records are indexed in about the order they were acknowledged
    const found = await Promise.all(pending.slice(0, LOOKUPS_PER_POLL).map(async (id) => ((await index.get(tenant, id)) ? id : null)));
    return found.filter((id): id is string => id !== null);
  };
}

/**
 * Watches the index for the run's marker (search polled every 50 ms) while `post` runs, until every
 * acknowledged record was seen: each record's capture-to-searchable latency is from its POST start.
 */
async function measure(find: FindIndexed, marker: string, post: (t: Timings) => Promise<void>): Promise<PipelineRun> {
  const timings: Timings = { postedAt: new Map(), ackMs: [] };
  const seenAt = new Map<string, number>();
  let posting = true;
  const started = performance.now();
  const poller = (async () => {
    while (posting || seenAt.size < timings.postedAt.size) {
      const found = await find(
        marker,
        [...timings.postedAt.keys()].filter((id) => !seenAt.has(id)),
      );
      const now = performance.now();
      for (const id of found) if (!seenAt.has(id)) seenAt.set(id, now);
      if (now - started > 600_000) throw new Error('records not searchable within 10 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await post(timings);
  } finally {
    posting = false;
  }
  await poller;
  const elapsed = (performance.now() - started) / 1000;
  const latencies = [...timings.postedAt].map(([id, t0]) => seenAt.get(id)! - t0);
  return {
    throughput: timings.postedAt.size / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ackP50: percentile(timings.ackMs, 50),
    ackP99: percentile(timings.ackMs, 99),
    accepted: timings.postedAt.size,
  };
}

/** One signed webhook; its record id and timings are noted once acknowledged (anything but 200 fails the run). */
async function postWebhook(baseUrl: string, instance: string, secret: string, marker: string, i: number, t: Timings, t0 = performance.now()): Promise<void> {
  const body = webhookBody(marker, i);
  const res = await fetch(`${baseUrl}/webhooks/${instance}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(secret, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook ${i} answered ${res.status}: ${await res.text()}`);
  const { ids } = (await res.json()) as { ids: string[] };
  t.ackMs.push(performance.now() - t0);
  t.postedAt.set(ids[0], t0);
}

/**
 * Closed loop: posts n signed webhooks, c in flight, as fast as they are acknowledged; throughput is
 * n over the time until the last record is searchable (the sustained rate of the whole pipeline).
 */
export function runPipeline(baseUrl: string, instance: string, secret: string, find: FindIndexed, n: number, c: number): Promise<PipelineRun> {
  const marker = `bench${randomBytes(4).toString('hex')}`;
  return measure(find, marker, async (t) => {
    await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      c,
      (i) => postWebhook(baseUrl, instance, secret, marker, i, t),
    );
  });
}

/**
 * Open loop: webhook i is sent at start + i / rate whatever the answers to earlier ones, as vendors
 * do, so a slow answer cannot slow the load down and hide itself (coordinated omission). Latencies
 * count from the scheduled instant, so a late timer (a busy event loop) counts against Custody too.
 */
export function runPaced(baseUrl: string, instance: string, secret: string, find: FindIndexed, n: number, rate: number): Promise<PipelineRun> {
  const marker = `bench${randomBytes(4).toString('hex')}`;
  return measure(find, marker, async (t) => {
    const start = performance.now();
    const sends: Promise<void>[] = [];
    let failure: Error | undefined;
    for (let i = 0; i < n && failure === undefined; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      // caught at once: a failed send must not be an unhandled rejection while later ones are scheduled
      sends.push(postWebhook(baseUrl, instance, secret, marker, i, t, due).catch((err: unknown) => void (failure ??= err as Error)));
    }
    await Promise.all(sends);
    if (failure !== undefined) throw failure;
  });
}
