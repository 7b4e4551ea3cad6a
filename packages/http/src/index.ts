export * from './route';
export * from './access';
export * from './problem';
export * from './server';
export * from './limiter';
export * from './openapi';
export * from './csv';
