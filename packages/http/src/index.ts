export * from './types';
export * from './server';
export * from './rate-limit';
export * from './csv';
