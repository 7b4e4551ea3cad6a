export * from './manifest';
export * from './media-worker';
