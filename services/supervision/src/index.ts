export * from './policy-routes';
