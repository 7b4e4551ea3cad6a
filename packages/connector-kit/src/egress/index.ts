export * from './address';
export * from './egress';
export * from './context';
