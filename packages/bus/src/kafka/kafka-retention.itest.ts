import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { requireStackEnv, testLogger, uniqueName } from '@custody/testing';
import { KafkaBus } from './kafka-bus';

/**
 * The Kafka half of TopicSpec retention. Whether a record is gone cannot be tested on Kafka (it
 * deletes closed segments on its own schedule; see contract.ts), but the topic's configuration can.
 */
describe('KafkaBus topic retention', () => {
  test('ensureTopics creates a topic with the spec retention as retention.ms and retention.bytes', async () => {
    const env = requireStackEnv();
    const brokers = env.KAFKA_BROKERS.split(',');
    const bus = new KafkaBus({ brokers, clientId: uniqueName('retention-'), logger: testLogger() });
    const admin = new Kafka({ brokers, clientId: uniqueName('retention-admin-') }).admin();
    const name = uniqueName('retention-');
    try {
      await bus.ensureTopics([{ name, partitions: 1, retentionMs: 86_400_000, retentionBytes: 5 * 1024 * 1024 }]);
      await admin.connect();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'retention.bytes'] }],
      });
      const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
      expect(entries).toEqual({ 'retention.ms': '86400000', 'retention.bytes': String(5 * 1024 * 1024) });
    } finally {
      await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
      await admin.disconnect();
      await bus.close();
    }
  });
});
