export * from './verified-read';
export * from './thread-view';
export * from './production/document';
export * from './production/rsmf';
export * from './production/verifying';
export * from './production/attachment-content';
export * from './production/raw-evidence';
export * from './production/pdf';
