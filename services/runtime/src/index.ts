export * from './adapters';
export * from './custody';
export { runImport, type ImportIO, type ImportOptions } from './import';
export { rotateSecretsCommand } from './secrets-command';
export { SECRETS_KEY_FILE, loadSecretBox } from './secret-keys';
// API keys for tools driving a running Custody (the benchmark): services import the runtime, never the api service
export { mintApiKey } from '@custody/api';
