import { join, resolve } from 'node:path';
import { LocalArchiveStore, S3ArchiveStore, type ArchiveStore } from '@custody/archive-store';
import { EmbeddedBus, KafkaBus, type Bus, type CorruptRecordCount } from '@custody/bus';
import type { Config } from '@custody/config';
import type { Logger } from '@custody/logger';
import { EmbeddedIndex, OpenSearchIndex, type IndexMemory, type SearchIndex } from '@custody/search-index';
import { lockDataDir } from './data-dir-lock';

export interface Adapters {
  bus: Bus;
  store: ArchiveStore;
  index: SearchIndex;
  /** Embedded bus only: corrupt log records found at start-up and moved aside (Kafka checks its own). */
  corruptBusRecords?: () => Promise<CorruptRecordCount[]>;
  close(): Promise<void>;
}

/** The only place that knows which adapters exist; services receive ports. */
/** `indexMemory`: what the embedded index may hold in memory (see EmbeddedIndexOptions.memory). */
export async function createAdapters(config: Config, logger: Logger, opts: { indexMemory?: IndexMemory } = {}): Promise<Adapters> {
  if (config.CUSTODY_MODE === 'stack') {
    const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS!, clientId: config.KAFKA_CLIENT_ID, logger, produceBatchBytes: config.KAFKA_PRODUCE_BATCH_BYTES });
    const store = new S3ArchiveStore({
      bucket: config.S3_BUCKET,
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
    const index = new OpenSearchIndex({
      url: config.OPENSEARCH_URL!,
      prefix: config.OPENSEARCH_INDEX_PREFIX,
      username: config.OPENSEARCH_USERNAME,
      password: config.OPENSEARCH_PASSWORD,
    });
    return {
      bus,
      store,
      index,
      close: async () => {
        await bus.close();
        await index.close();
        store.client.destroy();
      },
    };
  }
  const dir = resolve(config.CUSTODY_DATA_DIR);
  const unlock = await lockDataDir(dir);
  const bus = new EmbeddedBus({ dir: join(dir, 'bus'), logger });
  const store = new LocalArchiveStore({ dir: join(dir, 'archive'), logger });
  const index = new EmbeddedIndex({ dir: join(dir, 'index'), logger, memory: opts.indexMemory });
  return {
    bus,
    store,
    index,
    corruptBusRecords: () => bus.corruptRecords(),
    close: async () => {
      await bus.close();
      await index.close();
      await unlock();
    },
  };
}
