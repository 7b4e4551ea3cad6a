export * from './adapters';
export * from './custody';
export { runImport, type ImportIO, type ImportOptions } from './import';
export { rotateSecretsCommand } from './secrets-command';
export { SECRETS_KEY_FILE, loadSecretBox } from './secret-keys';
