export * from './retention';
export * from './holds';
