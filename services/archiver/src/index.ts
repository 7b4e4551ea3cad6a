export * from './archiver';
export * from './steps';
export * from './settled';
export * from './audit-archiver';
export * from './reindex';
export * from './record-log-consumer';
