export * from './config';
export * from './form';
export * from './media';
export * from './signature';
export * from './time';
