export * from './port';
export * from './topics';
export { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus';
export { EmbeddedBus, type CorruptRecordCount, type EmbeddedBusOptions } from './embedded/embedded-bus';
