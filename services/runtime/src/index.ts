export * from './adapters';
export * from './custody';
