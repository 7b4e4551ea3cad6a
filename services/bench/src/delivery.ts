/**
 * `npm run bench -- --delivery [--repo <checkout>]`: memory and time to ingest one maximal
 * multi-event WhatsApp delivery (just under CUSTODY_MAX_BODY_BYTES, CUSTODY_MAX_EVENTS_PER_DELIVERY
 * messages) on the embedded default, in a fresh child process so its RSS is the delivery's alone.
 * `--repo` runs the same delivery against another checkout's build (e.g. the commit before a change)
 * for a before/after figure measured on the same machine in the same run.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BODY_LIMIT = 5 * 1024 * 1024;
const EVENTS = 1000;

export interface DeliveryFigures {
  repo: string;
  events: number;
  bodyBytes: number;
  status: number | string;
  ackMs: number | null;
  archivedMs: number | null;
  peakRssMb: number;
  exit: string;
}

/** A signed WhatsApp delivery of `events` text messages filling `bytes` (their text padded to fit). */
function delivery(events: number, bytes: number): string {
  const at = String(Math.floor(Date.now() / 1000));
  const message = (i: number, text: string) => ({ from: '16505551234', id: `wamid.bench.${i}`, timestamp: at, type: 'text', text: { body: text } });
  const wrap = (messages: object[]) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, messages },
            },
          ],
        },
      ],
    });
  const overhead = Buffer.byteLength(wrap(Array.from({ length: events }, (_, i) => message(i, ''))));
  const pad = Math.floor((bytes - overhead - 64) / events);
  return wrap(Array.from({ length: events }, (_, i) => message(i, `order ${i} `.padEnd(pad, 'x'))));
}

/** Child: starts Custody from `repo`'s build, posts the delivery, waits until the archiver consumed it. */
async function child(repo: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-delivery-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const report = (f: Omit<DeliveryFigures, 'repo' | 'peakRssMb' | 'exit'>) =>
    process.stdout.write(`${JSON.stringify({ ...f, peakRssMb: Math.round(peak / 1048576) })}\n`);
  const appSecret = randomBytes(16).toString('hex');
  const body = delivery(EVENTS, BODY_LIMIT - 1024);
  try {
    const { loadConfig } = require(join(repo, 'packages/config/dist')) as typeof import('@custody/config');
    const { createLogger } = require(join(repo, 'packages/logger/dist')) as typeof import('@custody/logger');
    const { startCustody } = require(join(repo, 'services/runtime/dist')) as typeof import('@custody/runtime');

    const config = loadConfig({
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_SERVICES: 'gateway,archiver,api',
      CUSTODY_CONNECTORS: JSON.stringify([
        { id: 'bench-wa', connector: 'whatsapp-cloud', tenant: 'bench', config: { appSecret, verifyToken: 'bench-verify' } },
      ]),
      CUSTODY_API_KEYS: '[]',
      CUSTODY_BOOTSTRAP_TENANT: 'bench',
      LOG_LEVEL: 'error',
    });
    const custody = await startCustody(config, createLogger('bench', { level: 'error' }));
    const started = Date.now();
    const res = await fetch(`${custody.url}/webhooks/bench-wa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
      body,
    });
    const ackMs = Date.now() - started;
    await res.arrayBuffer();
    let archivedMs: number | null = null;
    if (res.status === 200) {
      const deadline = Date.now() + 600_000;
      while ((await custody.adapters.bus.lag(config.CUSTODY_ARCHIVER_GROUP, [custody.topics.customerData])) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      archivedMs = Date.now() - started;
    }
    report({ events: EVENTS, bodyBytes: Buffer.byteLength(body), status: res.status, ackMs, archivedMs });
    await custody.stop();
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the child against `repo` and reads its figures; a crash (out of heap) is a figure too. */
export function measureDelivery(repo: string): Promise<DeliveryFigures> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, [__filename, '--child', repo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let peak = 0;
    // the parent samples too: a child that dies of its heap never reports its own peak
    const sampler = setInterval(() => {
      try {
        const status = require('node:fs').readFileSync(`/proc/${proc.pid}/status`, 'utf8') as string;
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        /* gone */
      }
    }, 50);
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code, signal) => {
      clearInterval(sampler);
      const line = out.trim().split('\n').pop();
      const parsed = line?.startsWith('{') ? (JSON.parse(line) as Partial<DeliveryFigures>) : {};
      const crash = /heap out of memory|Allocation failed/.exec(err)?.[0];
      done({
        repo,
        events: EVENTS,
        bodyBytes: parsed.bodyBytes ?? 0,
        status: parsed.status ?? (crash ? 'process died' : 'none'),
        ackMs: parsed.ackMs ?? null,
        archivedMs: parsed.archivedMs ?? null,
        peakRssMb: Math.round(Math.max(peak, parsed.peakRssMb ?? 0)),
        exit: crash ? `crashed: ${crash}` : signal ? `signal ${signal}` : `code ${code}`,
      });
    });
  });
}

if (process.argv[2] === '--child') {
  child(resolve(process.argv[3])).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
