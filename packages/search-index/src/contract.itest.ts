import { requireStackEnv, uniqueName } from '@custody/testing';
import { searchIndexContract } from './contract';
import { OpenSearchIndex } from './opensearch/opensearch-index';

// the embedded adapter runs the same contract as a unit test (embedded/embedded-contract.test.ts): it needs no server
searchIndexContract('OpenSearch', async () => {
  const env = requireStackEnv();
  const prefix = `custody-${uniqueName()}`;
  const index = new OpenSearchIndex({ url: env.OPENSEARCH_URL, prefix });
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
