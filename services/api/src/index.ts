export * from './auth';
export * from './audit';
export * from './routes';
export * from './admin-routes';
export * from './directory-routes';
export * from './attachment-routes';
export * from './key-routes';
export * from './audit-routes';
