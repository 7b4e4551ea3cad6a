import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireStackEnv, testLogger, uniqueName } from '@custody/testing';
import { CONTRACT_STALL, busContract } from './contract';
import { EmbeddedBus } from './embedded/embedded-bus';
import { KafkaBus } from './kafka/kafka-bus';

busContract('Kafka', async () => {
  const env = requireStackEnv();
  const bus = new KafkaBus({ brokers: env.KAFKA_BROKERS.split(','), clientId: uniqueName('contract-'), logger: testLogger(), stall: CONTRACT_STALL });
  return {
    bus,
    cleanup: () => bus.close(),
    // port 1 refuses connections on 127.0.0.1
    unreachable: async () => new KafkaBus({ brokers: ['127.0.0.1:1'], clientId: uniqueName('contract-'), logger: testLogger() }),
  };
});

busContract('embedded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-bus-'));
  const bus = new EmbeddedBus({ dir, logger: testLogger(), stall: CONTRACT_STALL });
  return {
    bus,
    cleanup: async () => {
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
    unreachable: async () => {
      // a directory below a regular file can never be created or written
      writeFileSync(join(dir, 'not-a-dir'), 'x');
      return new EmbeddedBus({ dir: join(dir, 'not-a-dir', 'bus'), logger: testLogger() });
    },
  };
});
