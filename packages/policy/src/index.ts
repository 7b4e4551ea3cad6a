export * from './retention';
export * from './holds';
export * from './lock-policy';
export * from './exports';
