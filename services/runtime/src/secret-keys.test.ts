import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@custody/config';
import { SecretBox } from '@custody/control';
import { silentLogger } from '@custody/logger';
import { SECRETS_KEY_FILE, loadSecretBox } from './secret-keys';

const AAD = 'aad';

describe('loadSecretBox', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'custody-keys-')), 'data');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  test('embedded without CUSTODY_SECRETS_KEYS: a key is generated once into a 0600 file in a 0700 data dir, and reused', async () => {
    const config = loadConfig({ CUSTODY_DATA_DIR: dir });
    const first = (await loadSecretBox(config, silentLogger()))!;
    const file = join(dir, SECRETS_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const sealed = first.seal('s3cret-value', AAD);
    const again = (await loadSecretBox(config, silentLogger()))!;
    expect(again.sealingKeyId).toBe(first.sealingKeyId);
    expect(again.open(sealed, AAD)).toBe('s3cret-value');
    expect(readFileSync(file, 'utf8')).toContain(first.sealingKeyId);
  });

  test('configured keys seal; the generated key file still opens what it sealed', async () => {
    const local = (await loadSecretBox(loadConfig({ CUSTODY_DATA_DIR: dir }), silentLogger()))!;
    const sealed = local.seal('old', AAD);
    const box = (await loadSecretBox(
      loadConfig({ CUSTODY_DATA_DIR: dir, CUSTODY_SECRETS_KEYS: `prod:${randomBytes(32).toString('base64')}` }),
      silentLogger(),
    ))!;
    expect(box.sealingKeyId).toBe('prod');
    expect(SecretBox.keyIdOf(box.seal('new', AAD))).toBe('prod');
    expect(box.open(sealed, AAD)).toBe('old');
  });

  test('a damaged key file stops start-up with a message that names the file and not its content', async () => {
    await loadSecretBox(loadConfig({ CUSTODY_DATA_DIR: dir }), silentLogger());
    writeFileSync(join(dir, SECRETS_KEY_FILE), 'local-1:c2hvcnQ=\n');
    await expect(loadSecretBox(loadConfig({ CUSTODY_DATA_DIR: dir }), silentLogger())).rejects.toThrow(
      /secrets key file .*secrets\.key is not keyId:base64key \(entry 1: expected/,
    );
    await expect(loadSecretBox(loadConfig({ CUSTODY_DATA_DIR: dir }), silentLogger())).rejects.not.toThrow(/c2hvcnQ/);
  });

  test('stack mode: no key, no box (connector secrets are refused); with keys, the first seals', async () => {
    const stack = { CUSTODY_MODE: 'stack', KAFKA_BROKERS: 'localhost:9092', OPENSEARCH_URL: 'http://localhost:9200', CUSTODY_DATA_DIR: dir };
    expect(await loadSecretBox(loadConfig(stack), silentLogger())).toBeUndefined();
    const box = await loadSecretBox(
      loadConfig({ ...stack, CUSTODY_SECRETS_KEYS: `b:${randomBytes(32).toString('base64')},a:${randomBytes(32).toString('base64')}` }),
      silentLogger(),
    );
    expect(box?.sealingKeyId).toBe('b');
  });
});
