export * from './types';
export * from './server';
export * from './rate-limit';
export * from './csv';
export * from './auth';
export * from './audit';
export * from './audited';
