export * from './adapters';
export * from './custody';
export { runImport, type ImportIO, type ImportOptions } from './import';
