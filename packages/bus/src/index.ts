export * from './port';
export * from './topics';
export { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus';
