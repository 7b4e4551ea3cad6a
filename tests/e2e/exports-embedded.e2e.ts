import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { runImport, startCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { exportSuite } from '@custody/testing/exports';
import { productionVendors } from '@custody/testing/production-harness';
import { apiSearch } from '@custody/testing/whatsapp';

/** Productions on the embedded default: the local WORM store and the SQLite index; the e-mail imported before start (the data directory is one process's). */
exportSuite(
  'embedded',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-exports-'));
    const keys = {
      legal: mintApiKey('acme', 'legal'),
      compliance: mintApiKey('acme', 'compliance'),
      auditor: mintApiKey('acme', 'auditor'),
      other: mintApiKey('globex', 'legal'),
    };
    const v = await productionVendors();
    const env = {
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      // packages carry proofs to a signed checkpoint: sign one every second, not every ten minutes
      CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1',
      CUSTODY_CONNECTORS: JSON.stringify(v.connectors),
      CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      ...v.env,
    };
    const config = loadConfig(env);
    await runImport(config, { channel: 'email', file: v.email.file, tenant: 'acme' }, { stderr: { write: () => true }, logger: testLogger() });
    const custody = await startCustody(config, testLogger());
    const email = await waitFor('the imported e-mail searchable', async () => {
      const r = await apiSearch(custody.url, keys.compliance.token, { channel: 'email' });
      return r.body.total === 1 ? r : undefined;
    });
    let stopped = false;
    return {
      url: custody.url,
      tokens: { legal: keys.legal.token, compliance: keys.compliance.token, auditor: keys.auditor.token, otherTenant: keys.other.token },
      ...v.vendors,
      recordings: v.recordings,
      email: { id: email.body.hits[0].id, eml: v.email.eml },
      cliEnv: env,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await custody.stop();
        await v.close();
      },
      tamper: (recordId) => {
        const found = readdirSync(join(dir, 'archive'), { recursive: true, withFileTypes: true }).find(
          (e) => e.isFile() && e.name.startsWith(`${recordId}.json@`),
        )!;
        const file = join(found.parentPath, found.name);
        const bytes = readFileSync(file);
        bytes[bytes.indexOf('please')] = 'P'.charCodeAt(0);
        chmodSync(file, 0o600);
        writeFileSync(file, bytes);
      },
    };
  },
  { tamperable: true },
);

afterAll(() => {
  for (const d of readdirSync(tmpdir()).filter((n) => n.startsWith('custody-exports-'))) rmSync(join(tmpdir(), d), { recursive: true, force: true });
});
