import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { complianceJourney } from '@custody/testing/console-journeys';
import { productionVendors } from '@custody/testing/production-harness';
import { stackConfig } from '@custody/testing/stack';

/** The compliance officer's journey on the real stack: Kafka, MinIO with Object Lock, OpenSearch. */
complianceJourney(
  'stack',
  async () => {
    const v = await productionVendors();
    const otherLegal = mintApiKey('globex', 'legal');
    const sc = stackConfig({ ...v.env, CUSTODY_DATA_DIR: mkdtempSync(join(tmpdir(), 'custody-console-stack-')) }, v.connectors.slice(1));
    const custody = await startCustody({ ...sc.config, CUSTODY_API_KEYS: [...sc.config.CUSTODY_API_KEYS, otherLegal.record] }, testLogger());
    return {
      url: custody.url,
      tokens: { legal: sc.keys.legal.token, compliance: sc.keys.compliance.token, auditor: sc.keys.auditor.token, otherTenant: otherLegal.token },
      ...v.vendors,
      // the WhatsApp instance stackConfig makes, with its own secret
      whatsapp: { instance: 'acme-wa', appSecret: sc.appSecret },
      recordings: v.recordings,
      stop: async () => {
        await custody.stop();
        await v.close();
      },
    };
  },
  { screenshots: false },
);
