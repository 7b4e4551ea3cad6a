export * from './gateway';
export * from './quarantine';
export * from './instances';
