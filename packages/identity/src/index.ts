export * from './directory';
export * from './resolve';
