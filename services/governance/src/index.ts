export * from './hold-jobs';
export * from './hold-routes';
export * from './retention-routes';
export * from './disposition';
export * from './report';
export * from './disposition-routes';
export * from './directory-resolution';
