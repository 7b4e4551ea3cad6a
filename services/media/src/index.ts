export * from './media-worker';
