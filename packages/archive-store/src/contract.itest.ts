import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireStackEnv, uniqueName } from '@custody/testing';
import { archiveStoreContract } from './contract';
import { LocalArchiveStore } from './local/local-archive-store';
import { S3ArchiveStore } from './s3/s3-archive-store';

// Locked objects cannot be deleted before their retention ends, so the S3 bucket is left behind.
archiveStoreContract('S3 Object Lock', async () => {
  const env = requireStackEnv();
  const store = new S3ArchiveStore({
    bucket: `custody-${uniqueName()}`,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
  return {
    store,
    cleanup: async () => store.client.destroy(),
    // port 1 refuses connections on 127.0.0.1
    unreachable: () =>
      new S3ArchiveStore({ bucket: store.bucket, endpoint: 'http://127.0.0.1:1', accessKeyId: 'x', secretAccessKey: 'y', forcePathStyle: true }),
  };
});

archiveStoreContract('local directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-archive-'));
  return {
    store: new LocalArchiveStore({ dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    unreachable: () => new LocalArchiveStore({ dir: join(dir, 'never-created') }),
  };
});
