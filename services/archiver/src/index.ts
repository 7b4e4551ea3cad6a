export * from './archiver';
export * from './lock-policy';
export * from './steps';
export * from './blobs';
export * from './audit-archiver';
export { mapLimit } from './map-limit';
