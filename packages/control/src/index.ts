export * from './control-table';
export * from './tables';
export * from './tenant-lock-policy';
export * from './secret-box';
export * from './connector-secrets';
export * from './connector-activity';
export * from './reconciliation-counts';
export * from './reconciliation-report';
