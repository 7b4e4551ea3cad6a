export * from './errors';
export * from './backoff';
