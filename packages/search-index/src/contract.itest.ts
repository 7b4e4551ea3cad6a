import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireStackEnv, uniqueName } from '../../../tests/support/stack';
import { searchIndexContract } from './contract';
import { EmbeddedIndex } from './embedded/embedded-index';
import { OpenSearchIndex } from './opensearch/opensearch-index';

searchIndexContract('OpenSearch', async () => {
  const env = requireStackEnv();
  const prefix = `custody-${uniqueName()}`;
  const index = new OpenSearchIndex({ url: env.OPENSEARCH_URL!, prefix });
  return {
    index,
    cleanup: async () => {
      await index.client.indices.delete({ index: index.index });
      await index.client.indices.deleteIndexTemplate({ name: `${prefix}-records` });
      await index.client.close();
    },
  };
});

searchIndexContract('embedded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-index-'));
  const index = new EmbeddedIndex({ dir });
  return {
    index,
    cleanup: async () => {
      await index.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
