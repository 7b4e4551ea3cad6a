export * from './control-table';
export * from './tables';
