import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mintApiKey } from '@custody/api';
import { LocalArchiveStore } from '@custody/archive-store';
import { loadConfig } from '@custody/config';
import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { addNewerVersion, deleteVersionFile, rewriteInPlace, setRetainUntil } from '@custody/testing/tamper';
import { verificationSuite } from '@custody/testing/verification';

/** The verifiable archive on the embedded default: an insider with root on the node edits the archive directory itself. */
verificationSuite('embedded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-verify-'));
  const keys = {
    admin: mintApiKey('acme', 'admin'),
    compliance: mintApiKey('acme', 'compliance'),
    auditor: mintApiKey('acme', 'auditor'),
    globex: mintApiKey('globex', 'compliance'),
  };
  const secrets = { acme: `secret-${randomBytes(8).toString('hex')}`, globex: `secret-${randomBytes(8).toString('hex')}` };
  const env = {
    CUSTODY_MODE: 'embedded',
    CUSTODY_DATA_DIR: dir,
    CUSTODY_HTTP_PORT: '0',
    CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1',
    CUSTODY_CONNECTORS: JSON.stringify([
      { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret: secrets.acme, verifyToken: 'verify-acme' } },
      { id: 'globex-wa', connector: 'whatsapp-cloud', tenant: 'globex', config: { appSecret: secrets.globex, verifyToken: 'verify-globex' } },
    ]),
    CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  };
  const custody = await startCustody(loadConfig(env), testLogger());
  const archive = join(dir, 'archive');
  const store = new LocalArchiveStore({ dir: archive });
  let stopped = false;
  return {
    url: custody.url,
    tokens: { admin: keys.admin.token, compliance: keys.compliance.token, auditor: keys.auditor.token, globex: keys.globex.token },
    whatsapp: { acme: { instance: 'acme-wa', secret: secrets.acme }, globex: { instance: 'globex-wa', secret: secrets.globex } },
    store,
    rewrite: async (key, change) => {
      rewriteInPlace(archive, key, change);
      return 'altered';
    },
    addVersion: async (key, change) => void addNewerVersion(archive, key, change),
    remove: async (key) => deleteVersionFile(archive, key),
    shortenRetention: async (key, until) => setRetainUntil(archive, key, until),
    cliEnv: env,
    cliNeedsStop: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await custody.stop();
    },
  };
});

afterAll(() => {
  for (const d of readdirSync(tmpdir()).filter((n) => n.startsWith('custody-verify-'))) rmSync(join(tmpdir(), d), { recursive: true, force: true });
});
