export * from './schema';
export * from './canonical';
export * from './identity';
export * from './seal';
export * from './media-type';
export * from './display';
