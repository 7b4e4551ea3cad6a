import { randomBytes } from 'node:crypto';
import { signWhatsAppBody } from '@custody/connectors';
import type { OpenSearchIndex } from '@custody/search-index';
import { mapLimit } from '@custody/errors';
import { percentile } from './stats';

export interface PipelineRun {
  throughput: number;
  p50: number;
  p99: number;
  accepted: number;
}

export function webhookBody(marker: string, i: number): string {
  const id = `wamid.${randomBytes(12).toString('base64url')}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Bench Client' }, wa_id: `1650555${String(1000 + (i % 9000)).padStart(4, '0')}` }],
              messages: [
                {
                  from: `1650555${String(1000 + (i % 9000)).padStart(4, '0')}`,
                  id,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: `${marker} message ${i}: please confirm the order for 100 shares` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/**
 * Posts n signed webhooks (concurrency c) and measures, per record, the time from the start of its
 * POST to the moment a search first returns it: capture-to-searchable latency.
 */
export async function runPipeline(baseUrl: string, instance: string, secret: string, index: OpenSearchIndex, n: number, c: number): Promise<PipelineRun> {
  const marker = `bench${randomBytes(4).toString('hex')}`;
  const postedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  let posting = true;
  const started = performance.now();
  const poller = (async () => {
    while (posting || seenAt.size < postedAt.size) {
      const res = await index.client.search({ index: index.index, body: { size: 10_000, _source: false, query: { match: { text: marker } } } });
      const now = performance.now();
      for (const h of res.body.hits.hits as Array<{ _id: string }>) if (!seenAt.has(h._id)) seenAt.set(h._id, now);
      if (now - started > 600_000) throw new Error('records not searchable within 10 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    c,
    async (i) => {
      const body = webhookBody(marker, i);
      const t0 = performance.now();
      const res = await fetch(`${baseUrl}/webhooks/${instance}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(secret, body) },
        body,
      });
      if (res.status !== 200) throw new Error(`webhook ${i} answered ${res.status}: ${await res.text()}`);
      const { ids } = (await res.json()) as { ids: string[] };
      postedAt.set(ids[0], t0);
    },
  );
  posting = false;
  await poller;
  const elapsed = (performance.now() - started) / 1000;
  const latencies = [...postedAt].map(([id, t0]) => seenAt.get(id)! - t0);
  return { throughput: n / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), accepted: postedAt.size };
}
