import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusRecord } from '@custody/bus';
import { loadConfig } from '@custody/config';
import { controlTopicsFor } from '@custody/control';
import { SECRETS_KEY_FILE, rotateSecretsCommand, startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { postWebhook, textWebhook } from '@custody/testing/whatsapp';
import { webhookId } from '@custody/api';

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/** Connector secrets an admin saves, and secrets an admin mistypes: none of them may be stored or echoed in clear. */
function secretsOf(run: string) {
  return {
    appSecret: `app-secret-${run}-a1`,
    verifyToken: `verify-token-${run}-b2`,
    accessToken: `access-token-${run}-c3`,
    // a bot token of the wrong form (no "<id>:" prefix) and a secret token with a character it may not hold
    badBotToken: `botsecret${run}d4`,
    badSecretToken: `bad token! ${run} e5`,
    // an unquoted value in malformed JSON: V8's parse error quotes the text around it
    inMalformedJson: `jsonsecret${run}f6`,
  };
}

async function putConnector(custody: RunningCustody, token: string, id: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${custody.url}/v1/admin/connectors/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Saves one good instance and three bad ones through the API; checks what the API answers. */
async function saveConnectors(custody: RunningCustody, sc: StackConfig, s: ReturnType<typeof secretsOf>): Promise<void> {
  const admin = sc.keys.admin.token;
  const good = await putConnector(
    custody,
    admin,
    `wa-${sc.name}`,
    JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret: s.appSecret, verifyToken: s.verifyToken, accessToken: s.accessToken } }),
  );
  expect(good.status).toBe(201);

  const bad = await putConnector(
    custody,
    admin,
    `tg-${sc.name}`,
    JSON.stringify({ connector: 'telegram-bot', config: { botToken: s.badBotToken, secretToken: s.badSecretToken } }),
  );
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/botToken: wrong format \(secret, value not shown\)/);
  expect(bad.text).toMatch(/secretToken: wrong format \(secret, value not shown\)/);
  const malformed = await putConnector(custody, admin, `wa2-${sc.name}`, `{"connector":"whatsapp-cloud","config":{"appSecret":${s.inMalformedJson}}}`);
  expect(malformed.status).toBe(400);
  expect(malformed.text).toContain('body is not valid JSON');
  for (const text of [bad.text, malformed.text]) for (const v of Object.values(s)) expect(text).not.toContain(v.slice(0, 12));

  const list = await fetch(`${custody.url}/v1/admin/connectors`, { headers: { authorization: `Bearer ${admin}` } });
  const listed = await list.text();
  expect(listed).toContain(`wa-${sc.name}`);
  expect(listed).toContain('appSecret'); // the names of the settings, never their values
  for (const v of Object.values(s)) expect(listed).not.toContain(v);
}

/** Every record of a topic, from the beginning, as a reader with its own group sees it. */
async function readTopic(custody: RunningCustody, topic: string, until: (records: BusRecord[]) => boolean): Promise<BusRecord[]> {
  const seen: BusRecord[] = [];
  const sub = await custody.adapters.bus.subscribe({
    groupId: `read-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    fromBeginning: true,
    onBatch: async (rs) => void seen.push(...rs),
  });
  try {
    await waitFor(`records of ${topic}`, async () => (until(seen) ? true : undefined));
  } finally {
    await sub.stop();
  }
  return seen;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * A file's bytes as text, plus every base64 run in it decoded (the embedded log stores record values
 * in base64): a secret in clear is found in either form.
 */
function readable(file: string): string {
  const text = readFileSync(file, 'latin1');
  const decoded = (text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []).map((run) =>
    Buffer.from(run, run.includes('-') || run.includes('_') ? 'base64url' : 'base64').toString('latin1'),
  );
  return [text, ...decoded].join('\n');
}

/** The bytes of the embedded connectors control topic (directory names are URI-encoded topic names). */
function controlLog(dataDir: string): string {
  const dir = readdirSync(join(dataDir, 'bus', 'topics')).find((d) => decodeURIComponent(d).startsWith('custody.control.connectors.v1'));
  expect(dir).toBeDefined();
  return filesUnder(join(dataDir, 'bus', 'topics', dir!))
    .map(readable)
    .join('');
}

function dirsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...dirsUnder(join(dir, e.name))] : []));
}

describe('connector secrets at rest (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-secrets-'));
  const s = secretsOf(randomBytes(4).toString('hex'));
  let sc: StackConfig;
  let custody: RunningCustody | undefined;

  afterAll(async () => {
    await custody?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('secrets saved through the API are nowhere in clear in the data directory; rejections and audit never echo them; modes are 0700/0600', async () => {
    sc = stackConfig({ CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir });
    custody = await startCustody(sc.config, testLogger());
    await saveConnectors(custody, sc, s);
    // the refused PUT is audited and the audit trail archived: wait until it is on disk
    await waitFor('the refused connectors.put archived', async () => {
      for await (const v of custody!.adapters.store.list('tenants/acme/audit/')) {
        const obj = await custody!.adapters.store.get(v.key, v.versionId);
        const event = JSON.parse(obj.body.toString('utf8'));
        if (event.action === 'connectors.put' && event.outcome === 'failed' && event.target === `tg-${sc.name}`) return event;
      }
      return undefined;
    });
    await custody.stop();

    // restarted, the instance is read back from disk and its secrets open: the vendor's signature checks out
    custody = await startCustody(sc.config, testLogger());
    const hook = textWebhook('sealed secrets still verify');
    expect((await postWebhook(custody.url, webhookId('acme', `wa-${sc.name}`), hook.body, s.appSecret)).status).toBe(200);
    expect((await postWebhook(custody.url, webhookId('acme', `wa-${sc.name}`), hook.body, 'not-the-app-secret')).status).toBe(401);
    await custody.stop();
    custody = undefined;

    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    const keyFile = join(dataDir, SECRETS_KEY_FILE);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^local-[0-9a-f]{8}:[A-Za-z0-9+/]{43}=\n$/);
    expect(controlLog(dataDir)).toMatch(/enc:v1:local-[0-9a-f]{8}:/);
    for (const f of files) {
      const bytes = readable(f);
      for (const [what, v] of Object.entries(s)) expect({ file: f, what, found: bytes.includes(v) }).toEqual({ file: f, what, found: false });
    }

    for (const d of [dataDir, ...dirsUnder(dataDir)]) expect({ dir: d, mode: (statSync(d).mode & 0o777).toString(8) }).toEqual({ dir: d, mode: '700' });
    for (const f of files) {
      const mode = (statSync(f).mode & 0o777).toString(8);
      expect({ file: f, mode, ok: ['600', '400'].includes(mode) }).toEqual({ file: f, mode, ok: true });
    }
  });

  test('custody secrets rotate re-seals with the new first key; afterwards the old key is not needed', async () => {
    const rotatedKey = newKey('rotated');
    const rotated = loadConfig({
      ...process.env,
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_TOPIC_SUFFIX: sc.name,
      CUSTODY_SECRETS_KEYS: rotatedKey,
      LOG_LEVEL: 'error',
    });
    // the generated key file still opens the old values while the configured key seals the new ones
    const result = await rotateSecretsCommand(rotated, testLogger());
    expect(result).toEqual({ keyId: 'rotated', resealed: [webhookId('acme', `wa-${sc.name}`)] });
    rmSync(join(dataDir, SECRETS_KEY_FILE));

    custody = await startCustody({ ...sc.config, CUSTODY_SECRETS_KEYS: rotated.CUSTODY_SECRETS_KEYS }, testLogger());
    const hook = textWebhook('re-sealed secrets verify');
    expect((await postWebhook(custody.url, webhookId('acme', `wa-${sc.name}`), hook.body, s.appSecret)).status).toBe(200);
    await custody.stop();
    custody = undefined;
    const log = controlLog(dataDir);
    expect(log).toMatch(/enc:v1:rotated:/);
    expect(log).not.toContain(s.appSecret);
  });
});

describe('connector secrets at rest (stack)', () => {
  const s = secretsOf(randomBytes(4).toString('hex'));
  const running: RunningCustody[] = [];
  afterAll(async () => {
    for (const c of running.reverse()) await c.stop();
  });

  test('the control topic holds only sealed secrets, another process opens them, and the audit topic never echoes a rejected one', async () => {
    const sc = stackConfig({ CUSTODY_SECRETS_KEYS: `${newKey('stack1')},${newKey('stack0')}` });
    const custody = await startCustody(sc.config, testLogger());
    running.push(custody);
    await saveConnectors(custody, sc, s);

    const control = await readTopic(custody, controlTopicsFor(sc.name).connectors, (rs) => rs.some((r) => r.key === webhookId('acme', `wa-${sc.name}`)));
    const stored = control.find((r) => r.key === webhookId('acme', `wa-${sc.name}`))!.value.toString('utf8');
    expect(JSON.parse(stored).config.appSecret).toMatch(/^enc:v1:stack1:/);
    for (const r of control) for (const v of Object.values(s)) expect(r.value.toString('latin1')).not.toContain(v);

    const audit = await readTopic(custody, custody.topics.audit, (rs) => rs.some((r) => r.value.toString('utf8').includes(`tg-${sc.name}`)));
    expect(audit.map((r) => JSON.parse(r.value.toString('utf8'))).find((e) => e.target === `tg-${sc.name}`)).toMatchObject({
      action: 'connectors.put',
      outcome: 'failed',
      status: 400,
    });
    for (const r of audit) for (const v of Object.values(s)) expect(r.value.toString('latin1')).not.toContain(v.slice(0, 12));

    // a second gateway reads the topic and opens the secrets with the same keys
    const gateway = await startCustody({ ...sc.config, CUSTODY_SERVICES: ['gateway'] }, testLogger());
    running.push(gateway);
    expect((await postWebhook(gateway.url, webhookId('acme', `wa-${sc.name}`), textWebhook('opened by another process').body, s.appSecret)).status).toBe(200);

    // an API process without keys refuses to store secrets, naming the setting
    const keyless = await startCustody({ ...sc.config, CUSTODY_SECRETS_KEYS: undefined, CUSTODY_SERVICES: ['api'] }, testLogger());
    running.push(keyless);
    const refused = await putConnector(
      keyless,
      sc.keys.admin.token,
      `wa3-${sc.name}`,
      JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret: s.appSecret, verifyToken: s.verifyToken } }),
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('CUSTODY_SECRETS_KEYS');
    expect(refused.text).not.toContain(s.appSecret);
  });
});
