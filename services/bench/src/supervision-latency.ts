import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@custody/config';
import { signWhatsAppBody } from '@custody/connectors';
import { envelopeId } from '@custody/envelope';
import { mapLimit } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { RecordVersions, readVerified } from '@custody/review';
import { mintApiKey, startCustody, type RunningCustody } from '@custody/runtime';
import { starterPack } from '@custody/supervision';
import { embeddedBenchEnv } from './embedded-pipeline';
import { fmt, median, percentile } from './stats';
import { stackBenchEnv } from './stack-bench-env';
import { whatsappDelivery } from './whatsapp-delivery';

/**
 * Screening at capture, measured where it runs: a signed WhatsApp webhook per message, paced, each
 * a promise of a return, and from each POST's start the time until the record is searchable (the
 * baseline: what capture already costs) and until its alert is listed by the API (capture → alert).
 * Then a lookback over everything captured, against a baseline of reading the same records back
 * from WORM with their hashes checked (what a lookback must do before it screens anything).
 */
export interface LatencyFigures {
  where: string;
  records: number;
  searchable: { p50: number; p95: number };
  alert: { p50: number; p95: number };
  lookback: { records: number; perSecond: number; verifiedReadsPerSecond: number; resultSha256: string };
}

const TENANT = 'bench';
const POLL_MS = 100;

export async function measureSupervision(
  where: 'embedded' | 'stack',
  env: Record<string, string>,
  messages: number,
  perSecond: number,
  bulk: number,
): Promise<LatencyFigures> {
  const appSecret = randomBytes(16).toString('hex');
  const key = mintApiKey(TENANT, 'compliance', 'bench-principal', 'bench-principal');
  // the stack run's env names its own topics, groups, bucket and index; the directory then holds nothing
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-supervision-'));
  const config = loadConfig({ ...embeddedBenchEnv(dir, appSecret), ...env, CUSTODY_API_KEYS: JSON.stringify([key.record]), LOG_LEVEL: 'warn' });
  const custody = await startCustody(config, createLogger('bench', { level: 'warn' }));
  try {
    const api = apiOf(custody, key.token);
    const pack = starterPack('guarantees');
    await api('PUT', '/v1/admin/supervision/policies/guarantees', { format: 'yaml', source: pack.source });
    const posted = new Map<string, number>();
    const searchable = new Map<string, number>();
    const alerted = new Map<string, number>();
    let done = false;
    let lastPost = Date.now();
    const watcher = (async () => {
      while (!done || alerted.size < posted.size || searchable.size < posted.size) {
        const now = Date.now();
        const pending = [...posted.keys()].filter((id) => !searchable.has(id)).slice(0, 50);
        for (const id of pending) if (await custody.adapters.index.get(TENANT, id)) searchable.set(id, now);
        // oldest first: the page from a little before the last seen catches alerts raised in the same millisecond
        const offset = Math.max(0, alerted.size - 50);
        const list = (await api('GET', `/v1/supervision/alerts?queue=guarantees&limit=500&offset=${offset}`)) as { alerts: Array<{ record: { id: string } }> };
        for (const a of list.alerts) if (!alerted.has(a.record.id)) alerted.set(a.record.id, now);
        if (done && Date.now() - lastPost > 120_000) throw new Error(`only ${alerted.size} of ${posted.size} alerts after 120 s`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    const gapMs = 1000 / perSecond;
    const start = Date.now();
    for (let i = 0; i < messages; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, start + i * gapMs - Date.now())));
      const { body, id } = promise(i);
      posted.set(envelopeId(TENANT, 'whatsapp-cloud', id, 'message'), Date.now());
      await post(custody.url, appSecret, body);
      lastPost = Date.now();
    }
    done = true;
    await watcher;
    const latency = (seen: Map<string, number>) => [...posted].map(([id, at]) => seen.get(id)! - at);
    const s = latency(searchable);
    const a = latency(alerted);

    // the lookback: the paced records and a bulk of ordinary ones, all screened again from WORM
    const bulkIds = await mapLimit(
      Array.from({ length: bulk }, (_, i) => i),
      8,
      async (i) => {
        const { body, id } = ordinary(i);
        await post(custody.url, appSecret, body);
        return envelopeId(TENANT, 'whatsapp-cloud', id, 'message');
      },
    );
    const total = messages + bulk;
    await waitUntil(async () => (await custody.adapters.index.search(TENANT, { size: 1 })).total >= total);
    const from = new Date(start - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const t0 = Date.now();
    const started = (await api('POST', '/v1/supervision/lookbacks', { policyId: 'guarantees', from, to, raiseAlerts: false })) as { lookback: { id: string } };
    let result: { records: number; resultSha256: string } | undefined;
    await waitUntil(async () => {
      const l = (await api('GET', `/v1/supervision/lookbacks/${started.lookback.id}`)) as {
        lookback: { job: { phase: string; error?: string }; result?: typeof result };
      };
      if (l.lookback.job.phase === 'failed') throw new Error(`lookback failed: ${l.lookback.job.error}`);
      result = l.lookback.result;
      return l.lookback.job.phase === 'done';
    });
    const lookbackMs = Date.now() - t0;
    // the baseline: every one of those records read back from WORM, both hashes checked, as many at a time as the lookback reads, no screening
    const versions = new RecordVersions(custody.adapters.store, custody.adapters.index, TENANT);
    const ids = [...posted.keys(), ...bulkIds];
    const t1 = Date.now();
    await mapLimit(ids, 8, (id) => readVerified(versions, id));
    const readMs = Date.now() - t1;
    return {
      where,
      records: messages,
      searchable: { p50: median(s), p95: percentile(s, 95) },
      alert: { p50: median(a), p95: percentile(a, 95) },
      lookback: {
        records: result!.records,
        perSecond: (result!.records * 1000) / lookbackMs,
        verifiedReadsPerSecond: (ids.length * 1000) / readMs,
        resultSha256: result!.resultSha256,
      },
    };
  } finally {
    await custody.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function latencyReport(figures: LatencyFigures[]): string[] {
  return [
    '| capture → alert (guarantees pack, signed WhatsApp webhooks, paced) | records | searchable p50 / p95 (baseline) | alert p50 / p95 | p95 alert ÷ searchable |',
    '|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.where} | ${f.records} | ${fmt(f.searchable.p50)} / ${fmt(f.searchable.p95)} ms | ${fmt(f.alert.p50)} / ${fmt(f.alert.p95)} ms | ${fmt(f.alert.p95 / f.searchable.p95, 2)} |`,
    ),
    '',
    '| lookback (guarantees pack over every record captured) | records | lookback rec/s | verified WORM reads rec/s (baseline) | lookback ÷ baseline |',
    '|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.where} | ${f.lookback.records} | ${fmt(f.lookback.perSecond)} | ${fmt(f.lookback.verifiedReadsPerSecond)} | ${fmt(f.lookback.perSecond / f.lookback.verifiedReadsPerSecond, 2)} |`,
    ),
  ];
}

export function stackSupervisionEnv(stackEnv: Record<string, string>): Record<string, string> {
  const name = `bench-sup-${randomBytes(4).toString('hex')}`;
  return stackBenchEnv(stackEnv, name);
}

function apiOf(custody: RunningCustody, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${custody.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
}

function delivery(text: string): { body: string; id: string } {
  const customer = '16505550100';
  const id = `wamid.${randomBytes(12).toString('base64url')}`;
  const message = { from: customer, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } };
  return { id, body: whatsappDelivery({ customer, name: 'Bench Client', messages: [message] }) };
}
const promise = (i: number) => delivery(`Order ${i}: I guarantee you a ${5 + (i % 10)}% return on this note by Friday.`);
const ordinary = (i: number) => delivery(`Order ${i}: please confirm the 100 shares at the limit we discussed.`);

async function post(url: string, secret: string, body: string): Promise<void> {
  const res = await fetch(`${url}/webhooks/bench-wa`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(secret, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('bench: gave up waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}
