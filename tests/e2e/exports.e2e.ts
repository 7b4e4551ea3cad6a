import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { runImport, startCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { exportSuite } from '@custody/testing/exports';
import { productionVendors } from '@custody/testing/production-harness';
import { stackConfig } from '@custody/testing/stack';
import { requireStackEnv } from '@custody/testing/stack-env';
import { apiSearch } from '@custody/testing/whatsapp';

/** Productions on the real stack: Kafka, MinIO with Object Lock, OpenSearch. */
exportSuite(
  'stack',
  async () => {
    const v = await productionVendors();
    const otherLegal = mintApiKey('globex', 'legal');
    // packages carry proofs to a signed checkpoint: sign one every second, not every ten minutes
    const sc = stackConfig(
      { ...v.env, CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1', CUSTODY_DATA_DIR: mkdtempSync(join(tmpdir(), 'custody-exports-stack-')) },
      v.connectors.slice(1),
    );
    // the WhatsApp instance stackConfig makes, with the vendors' secret
    const config = { ...sc.config, CUSTODY_API_KEYS: [...sc.config.CUSTODY_API_KEYS, otherLegal.record] };
    await runImport(config, { channel: 'email', file: v.email.file, tenant: 'acme' }, { stderr: { write: () => true }, logger: testLogger() });
    const custody = await startCustody(config, testLogger());
    const email = await waitFor('the imported e-mail searchable', async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { channel: 'email' });
      return r.body.total === 1 ? r : undefined;
    });
    let stopped = false;
    return {
      url: custody.url,
      tokens: { legal: sc.keys.legal.token, compliance: sc.keys.compliance.token, auditor: sc.keys.auditor.token, otherTenant: otherLegal.token },
      ...v.vendors,
      whatsapp: { instance: 'acme-wa', appSecret: sc.appSecret },
      recordings: v.recordings,
      email: { id: email.body.hits[0].id, eml: v.email.eml },
      cliEnv: {
        ...requireStackEnv(),
        CUSTODY_TOPIC_SUFFIX: sc.name,
        S3_BUCKET: config.S3_BUCKET,
        OPENSEARCH_INDEX_PREFIX: config.OPENSEARCH_INDEX_PREFIX,
        CUSTODY_API_KEYS: JSON.stringify(config.CUSTODY_API_KEYS),
        CUSTODY_LOG_SIGNING_KEY: config.CUSTODY_LOG_SIGNING_KEY!.toString('base64'),
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await custody.stop();
        await v.close();
      },
    };
  },
  { tamperable: false },
);
