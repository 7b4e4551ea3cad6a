export * from './port';
export { S3ArchiveStore, type S3ArchiveStoreOptions } from './s3/s3-archive-store';
export { LocalArchiveStore, type LocalArchiveStoreOptions } from './local/local-archive-store';
export * from './layout';
export * from './blobs';
export * from './manifest';
export * from './conformance';
