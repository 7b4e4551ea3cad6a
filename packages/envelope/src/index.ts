export * from './schema';
export * from './canonical';
export * from './identity';
export * from './seal';
