import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    // port 1 refuses connections on 127.0.0.1
    unreachable: () => new OpenSearchIndex({ url: 'http://127.0.0.1:1', prefix }),
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
    unreachable: () => {
      // a directory below a regular file can never be created or written
      writeFileSync(join(dir, 'not-a-dir'), 'x');
      return new EmbeddedIndex({ dir: join(dir, 'not-a-dir', 'index') });
    },
  };
});
