export * from './errors';
export * from './backoff';
export * from './circuit';
export { mapLimit } from './map-limit';
