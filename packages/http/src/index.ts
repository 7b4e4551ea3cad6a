export * from './types';
export * from './server';
