export * from './export-jobs';
export * from './export-routes';
export * from './package-files';
export * from './finish';
