import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';

type Key = ReturnType<typeof mintApiKey>;

/** Custody on the embedded default in a data directory of its own, for a browser test of the console. */
export interface ConsoleCustody {
  custody: RunningCustody;
  dir: string;
  /** The WhatsApp instance `acme-wa` configured with `seed`, and its app secret. */
  whatsapp: { instance: string; appSecret: string };
  stop(): Promise<void>;
}

/**
 * Starts it with `keys`; with `seed`, a WhatsApp instance of tenant acme and a signed delivery of
 * each text, searchable (by `seed.reader`) before it returns.
 */
export async function startConsoleCustody(
  keys: Record<string, Key>,
  options: { seed?: { texts: string[]; reader: Key }; env?: Record<string, string> } = {},
): Promise<ConsoleCustody> {
  const dir = mkdtempSync(join(tmpdir(), 'custody-console-'));
  const whatsapp = { instance: 'acme-wa', appSecret: `secret-${randomBytes(8).toString('hex')}` };
  const custody = await startCustody(
    loadConfig({
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      ...(options.seed && {
        CUSTODY_CONNECTORS: JSON.stringify([
          { id: whatsapp.instance, connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret: whatsapp.appSecret, verifyToken: 'verify-acme' } },
        ]),
      }),
      CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      ...options.env,
    }),
    testLogger(),
  );
  if (options.seed) {
    for (const text of options.seed.texts)
      expect((await postWebhook(custody.url, whatsapp.instance, textWebhook(text).body, whatsapp.appSecret)).status).toBe(200);
    const reader = options.seed.reader.token;
    const count = options.seed.texts.length;
    await waitFor(`${count} records searchable`, async () => ((await apiSearch(custody.url, reader, {})).body.total >= count ? true : undefined));
  }
  return {
    custody,
    dir,
    whatsapp,
    stop: async () => {
      await custody.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
