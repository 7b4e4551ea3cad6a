export * from './routes';
export * from './admin-routes';
export * from './directory-routes';
export * from './attachment-routes';
export * from './key-routes';
export * from './audit-routes';
// tests/support still imports mintApiKey from here; drop this once it imports @custody/http (its move to a workspace)
export { mintApiKey } from '@custody/http';
