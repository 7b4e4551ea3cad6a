import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { signWhatsAppBody } from '@custody/connectors';
import { loadConfig } from '@custody/config';
import { mapLimit } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { mintApiKey, startCustody } from '@custody/runtime';
import { fmt, median, percentile } from './stats';
import { embeddedBenchEnv } from './embedded-pipeline';
import { whatsappDelivery } from './whatsapp-delivery';

/**
 * `npm run bench -- --conversation [--messages 10000]`: one WhatsApp conversation of that many
 * messages, one in twenty edited later and one in ten reacted to, captured on the embedded default
 * through its signed webhooks; then the whole thread read through GET /v1/conversations/:id, forwards
 * and backwards, pages of 50, and GET /v1/records/:id/context around records picked at random. Every
 * page reads its records (and their history) back from the WORM store with both hashes checked;
 * the baseline in the same run is the index alone: POST /v1/search over the same thread, pages of 50.
 */
const PAGE = 50;
const BATCH = 50;

export async function runConversationPages(messages: number): Promise<void> {
  if (!Number.isInteger(messages) || messages < 2 * PAGE) throw new Error(`--messages must be a whole number of at least ${2 * PAGE}`);
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-conversation-'));
  const appSecret = randomBytes(16).toString('hex');
  const key = mintApiKey('bench', 'compliance');
  const config = loadConfig({ ...embeddedBenchEnv(dir, appSecret), CUSTODY_API_KEYS: JSON.stringify([key.record]) });
  const custody = await startCustody(config, createLogger('bench', { level: 'warn' }));
  const auth = { authorization: `Bearer ${key.token}` };
  try {
    const customer = '16505550123';
    const conversation = `whatsapp:106540352242922:${customer}`;
    const events = threadEvents(customer, messages);
    const started = performance.now();
    const batches = Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));
    await mapLimit(batches, 4, async (batch) => {
      const body = whatsappDelivery({ customer, name: 'Bench Client', messages: batch });
      const res = await fetch(`${custody.url}/webhooks/bench-wa`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(appSecret, body) },
        body,
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    });
    for (;;) {
      const r = await post(custody.url, auth, { conversation, size: 1 });
      if (r.total === events.length) break;
      if (performance.now() - started > 1_800_000) throw new Error(`only ${r.total} of ${events.length} records indexed after 30 minutes`);
      await new Promise((res) => setTimeout(res, 500));
    }
    process.stderr.write(`bench: ${events.length} records captured and indexed in ${fmt((performance.now() - started) / 1000, 1)} s\n`);

    const path = `/v1/conversations/${encodeURIComponent(conversation)}`;
    const forward = await walk(async (cursor) => {
      const body = await get(custody.url, auth, `${path}?limit=${PAGE}${cursor ? `&after=${cursor}` : ''}`);
      return { n: body.events.length, next: body.page.newer, back: body.page.older, ids: body.events.map((e) => e.id) };
    });
    // backwards from the last page forwards read, to the thread's start
    const backward = await walk(async (cursor) => {
      const body = await get(custody.url, auth, `${path}?limit=${PAGE}&before=${cursor}`);
      return { n: body.events.length, next: body.page.older, back: null, ids: body.events.map((e) => e.id) };
    }, forward.lastBack);
    const search = await walk(async (cursor) => {
      const body = await post(custody.url, auth, { conversation, sort: 'oldest', size: PAGE, ...(cursor && { cursor }) });
      return { n: body.hits.length, next: body.cursor, back: null, ids: body.hits.map((h) => h.id) };
    });
    // backwards covers every page before the last one read forwards
    if (forward.records !== events.length || search.records !== events.length || backward.records !== PAGE * (forward.ms.length - 1))
      throw new Error(`paged ${forward.records} forwards, ${backward.records} backwards, ${search.records} by search, of ${events.length}`);
    const context: number[] = [];
    for (let i = 0; i < 100; i++) {
      const id = forward.ids[Math.floor(Math.random() * forward.ids.length)];
      const t0 = performance.now();
      await get(custody.url, auth, `/v1/records/${id}/context?before=25&after=25`);
      context.push(performance.now() - t0);
    }
    const row = (what: string, ms: number[], base?: number[]) =>
      `| ${what} | ${ms.length} | ${fmt(median(ms), 1)} ms | ${fmt(percentile(ms, 95), 1)} ms | ${fmt(Math.max(...ms), 1)} ms | ${base ? fmt(median(ms) / median(base), 1) : '–'} |`;
    process.stdout.write(
      [
        `Custody bench (conversation) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, embedded`,
        `one WhatsApp conversation: ${messages} messages, ${events.length - messages} later edits and reactions (${events.length} records); pages of ${PAGE}`,
        '',
        '| read | pages | median | p95 | max | ÷ index-only page |',
        '|---|---|---|---|---|---|',
        row('GET /v1/conversations/:id, forwards (WORM reads, hashes, history folded)', forward.ms, search.ms),
        row('GET /v1/conversations/:id, backwards', backward.ms, search.ms),
        row('GET /v1/records/:id/context?before=25&after=25', context, search.ms),
        row('baseline: POST /v1/search {conversation, sort: oldest} (index only)', search.ms),
      ].join('\n') + '\n',
    );
  } finally {
    await custody.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Walked {
  ms: number[];
  records: number;
  ids: string[];
  /** The `back` cursor of the last page read (where reading backwards from the end starts). */
  lastBack?: string;
}

interface Page {
  n: number;
  next: string | null;
  back: string | null;
  ids: string[];
}

/** Reads pages until there is no next cursor; times each request. */
async function walk(page: (cursor?: string) => Promise<Page>, from?: string): Promise<Walked> {
  const out: Walked = { ms: [], records: 0, ids: [] };
  let cursor = from;
  for (let i = 0; i < 100_000; i++) {
    const t0 = performance.now();
    const p = await page(cursor);
    out.ms.push(performance.now() - t0);
    out.records += p.n;
    out.ids.push(...p.ids);
    out.lastBack = p.back ?? undefined;
    if (!p.next) break;
    cursor = p.next;
  }
  return out;
}

/** The thread's events in time order, a second apart: messages, some edited 30 s later, some reacted to 10 s later. */
function threadEvents(customer: string, messages: number): Array<Record<string, unknown>> {
  const t0 = Math.floor(Date.now() / 1000) - messages * 2;
  const out: Array<{ at: number; event: Record<string, unknown> }> = [];
  for (let i = 0; i < messages; i++) {
    const id = `wamid.bench.${i}`;
    out.push({ at: t0 + 2 * i, event: { id, type: 'text', text: { body: `order ${i}: buy ${100 + (i % 900)} shares of ACME at market` } } });
    if (i % 20 === 7)
      out.push({
        at: t0 + 2 * i + 31,
        event: { id: `${id}.edit`, type: 'edit', edit: { original_message_id: id, message: { type: 'text', text: { body: `order ${i}: cancelled` } } } },
      });
    if (i % 10 === 3) out.push({ at: t0 + 2 * i + 11, event: { id: `${id}.react`, type: 'reaction', reaction: { message_id: id, emoji: '👍' } } });
  }
  return out.sort((a, b) => a.at - b.at).map(({ at, event }) => ({ from: customer, timestamp: String(at), ...event }));
}

async function get(
  url: string,
  auth: Record<string, string>,
  path: string,
): Promise<{ events: Array<{ id: string }>; page: { older: string | null; newer: string | null } }> {
  const res = await fetch(`${url}${path}`, { headers: auth });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as never;
}

async function post(url: string, auth: Record<string, string>, body: unknown): Promise<{ total: number; hits: Array<{ id: string }>; cursor: string | null }> {
  const res = await fetch(`${url}/v1/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as never;
}
