export * from './control-table';
export * from './tables';
export * from './tenant-lock-policy';
