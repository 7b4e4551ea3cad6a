export * from './archiver';
export * from './steps';
export * from './audit-archiver';
export * from './reindex';
export * from './record-log-consumer';
