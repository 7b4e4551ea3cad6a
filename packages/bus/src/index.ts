export * from './port';
export * from './topics';
export * from './consumer-results';
export { BatchRetries, DEFAULT_STALL, type StallPolicy, type StalledBatchCount } from './batch-retry';
export { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus';
export { EmbeddedBus, type CorruptRecordCount, type EmbeddedBusOptions } from './embedded/embedded-bus';
