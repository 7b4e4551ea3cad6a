export * from './errors';
export * from './backoff';
export * from './circuit';
