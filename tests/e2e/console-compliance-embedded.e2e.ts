import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { complianceJourney } from '@custody/testing/console-journeys';
import { productionVendors } from '@custody/testing/production-harness';

/** The compliance officer's journey on the embedded default: the local WORM store and the SQLite index. */
complianceJourney(
  'embedded',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-console-compliance-'));
    const keys = {
      legal: mintApiKey('acme', 'legal'),
      compliance: mintApiKey('acme', 'compliance'),
      auditor: mintApiKey('acme', 'auditor'),
      other: mintApiKey('globex', 'legal'),
    };
    const v = await productionVendors();
    const custody = await startCustody(
      loadConfig({
        CUSTODY_MODE: 'embedded',
        CUSTODY_DATA_DIR: dir,
        CUSTODY_HTTP_PORT: '0',
        CUSTODY_CONNECTORS: JSON.stringify(v.connectors),
        CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
        ...v.env,
      }),
      testLogger(),
    );
    return {
      url: custody.url,
      tokens: { legal: keys.legal.token, compliance: keys.compliance.token, auditor: keys.auditor.token, otherTenant: keys.other.token },
      ...v.vendors,
      recordings: v.recordings,
      stop: async () => {
        await custody.stop();
        await v.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { screenshots: true },
);
