import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { postWebhook, textWebhook } from '@custody/testing/whatsapp';

/** Completeness on the embedded default: per connector instance, last event, events per hour, sequence gaps, kept across a restart. */
describe('connector health (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-completeness-'));
  const keys = {
    admin: mintApiKey('acme', 'admin'),
    compliance: mintApiKey('acme', 'compliance'),
    globex: mintApiKey('globex', 'admin'),
  };
  const METRICS_TOKEN = randomBytes(16).toString('hex');
  const env = {
    CUSTODY_MODE: 'embedded',
    CUSTODY_DATA_DIR: dir,
    CUSTODY_HTTP_PORT: '0',
    CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
    CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(METRICS_TOKEN).digest('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  };
  const waSecret = `secret-${randomBytes(8).toString('hex')}`;
  const tgSecret = `tg-${randomBytes(12).toString('hex')}`;
  let custody: RunningCustody;
  const paths: Record<string, string> = {};

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${custody.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
  const health = (name: string, token = keys.admin.token) => api(token, 'GET', `/v1/admin/connectors/${name}/health`);
  const telegram = (updateId: number) =>
    fetch(`${custody.url}${paths.tg}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': tgSecret },
      body: JSON.stringify({
        update_id: updateId,
        message: {
          message_id: updateId,
          from: { id: 5123456789, is_bot: false, first_name: 'Sheena' },
          chat: { id: 5123456789, first_name: 'Sheena', type: 'private' },
          date: Math.floor(Date.now() / 1000) - 5,
          text: `update ${updateId}`,
        },
      }),
    });

  beforeAll(async () => {
    custody = await startCustody(loadConfig(env), testLogger());
    const put = async (token: string, name: string, connector: string, config: Record<string, unknown>) => {
      const r = await api(token, 'PUT', `/v1/admin/connectors/${name}`, { connector, config });
      expect(r.status).toBe(201);
      return r.body.webhookPath as string;
    };
    paths.wa = await put(keys.admin.token, 'wa', 'whatsapp-cloud', { appSecret: waSecret, verifyToken: 'verify-acme' });
    paths.tg = await put(keys.admin.token, 'tg', 'telegram-bot', { botId: '7012345678', secretToken: tgSecret });
    paths.globexWa = await put(keys.globex.token, 'quiet', 'whatsapp-cloud', { appSecret: waSecret, verifyToken: 'verify-globex' });
  });

  afterAll(async () => {
    await custody?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an instance that never delivered has no last event and is not silent', async () => {
    const r = await health('quiet', keys.globex.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'quiet', connector: 'whatsapp-cloud', lastEventAt: null, eventsLastHour: 0, silent: false, since: null, gaps: [] });
    expect(r.body.eventsPerHour).toHaveLength(168);
  });

  test('WhatsApp deliveries show as the last event time and in the hour under way', async () => {
    const before = Date.now();
    for (let i = 0; i < 3; i++) {
      const res = await postWebhook(custody.url, paths.wa.slice('/webhooks/'.length), textWebhook(`hello ${i}`).body, waSecret);
      expect(res.status).toBe(200);
    }
    // a forged delivery is no activity
    expect((await postWebhook(custody.url, paths.wa.slice('/webhooks/'.length), textWebhook('forged').body, 'wrong-secret')).status).toBe(401);
    const r = await health('wa');
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.lastEventAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(r.body.eventsPerHour.at(-1).events).toBe(3);
    expect(r.body.eventsLastHour).toBeGreaterThanOrEqual(3);
    expect(r.body).toMatchObject({ silent: false, since: null, silence: { minEventsPerHour: 1, afterMinutes: 60 } });
  });

  test('a jump in Telegram update_id is recorded as a gap, and the delivery still accepted', async () => {
    for (const id of [500, 501, 505, 503]) expect((await telegram(id)).status).toBe(200);
    const r = await health('tg');
    expect(r.body.gaps).toEqual([expect.objectContaining({ from: 501, to: 505, missing: 2, arrived: [503] })]);
    expect(r.body.eventsPerHour.at(-1).events).toBe(4);
    const metrics = await (await fetch(`${custody.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const instance = paths.tg.slice('/webhooks/'.length);
    expect(metrics).toContain(`custody_connector_sequence_gaps_total{connector_instance="${instance}",tenant="acme"} 1`);
    expect(metrics).toContain(`custody_connector_sequence_missing_total{connector_instance="${instance}",tenant="acme"} 3`);
    expect(metrics).toContain(`custody_connector_silent{connector_instance="${instance}",tenant="acme"} 0`);
    expect(metrics).toMatch(new RegExp(`custody_connector_last_event_timestamp_seconds\\{connector_instance="${instance}",tenant="acme"\\} \\d+`));
  });

  test('admin of the tenant only: another tenant’s instance is unknown, other roles are refused', async () => {
    expect((await health('wa', keys.globex.token)).status).toBe(404);
    expect((await health('nope')).status).toBe(404);
    expect((await health('wa', keys.compliance.token)).status).toBe(403);
  });

  test('a restart forgets nothing: counts and gaps are read back from the control table', async () => {
    const before = (await health('tg')).body;
    await custody.stop();
    custody = await startCustody(loadConfig(env), testLogger());
    const after = await health('tg');
    expect(after.body).toMatchObject({ lastEventAt: before.lastEventAt, gaps: before.gaps });
    expect(after.body.eventsPerHour.at(-1).events).toBe(4);
    // and the sequence continues where it was: 506 is no gap
    expect((await telegram(506)).status).toBe(200);
    expect((await health('tg')).body.gaps).toHaveLength(1);
  });
});
