import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchIndexContract } from '../contract';
import { EmbeddedIndex } from './embedded-index';

// the shared contract (the OpenSearch side runs it in contract.itest.ts against a real server)
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
