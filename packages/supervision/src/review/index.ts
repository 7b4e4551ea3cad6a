export * from './alert';
export * from './actions';
export * from './plan-row';
export * from './raise';
export * from './mi';
export * from './examiner';
