export * from './verified-read';
export * from './thread-view';
