export * from './connector';
export * from './run';
export * from './phone';
export * from './signature';
export * from './json';
export * from './importer';
export * from './vendor-http';
export * from './secret';
