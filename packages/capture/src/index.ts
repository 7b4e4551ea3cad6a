export * from './capture';
export * from './seal';
export * from './publish';
export * from './messages';
export * from './quarantine';
