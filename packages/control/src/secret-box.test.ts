import type { ConnectorInstance } from '@custody/config';
import { ConfigError, IntegrityError, RejectedInputError } from '@custody/errors';
import { connectorSecretsCodec } from './connector-secrets';
import { SecretBox, newSecretKey } from './secret-box';

const AAD = 'custody.connector-secret/v1\0acme\0acme-wa\0appSecret';
const SECRET = 'meta-app-secret-4f1c9a';

/** Replaces one base64url character of part `index` (0 key id … 3 tag) with another. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const p = parts[2 + index];
  parts[2 + index] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1);
  return parts.join(':');
}

describe('SecretBox', () => {
  const k1 = newSecretKey('k1');
  const k2 = newSecretKey('k2');

  test('seals as enc:v1:<keyId>:<iv>:<ciphertext>:<tag> and opens it again', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal(SECRET, AAD);
    expect(sealed).toMatch(/^enc:v1:k1:[\w-]{16}:[\w-]+:[\w-]{22}$/);
    expect(sealed).not.toContain(SECRET);
    expect(box.seal(SECRET, AAD)).not.toBe(sealed); // fresh IV every time
    expect(box.open(sealed, AAD)).toBe(SECRET);
  });

  test('after rotation the new key seals and a value sealed with the old one still opens', () => {
    const old = new SecretBox([k1]).seal(SECRET, AAD);
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(old, AAD)).toBe(SECRET);
    expect(SecretBox.keyIdOf(rotated.seal(SECRET, AAD))).toBe('k2');
  });

  test('a key that is not configured is a clear configuration error naming the setting and the key id', () => {
    const sealed = new SecretBox([k1]).seal(SECRET, AAD);
    const open = () => new SecretBox([k2]).open(sealed, AAD);
    expect(open).toThrow(ConfigError);
    expect(open).toThrow(/sealed with key "k1", which CUSTODY_SECRETS_KEYS does not hold \(it holds: k2\)/);
  });

  test('a different key under the same id is refused, not mis-decrypted', () => {
    const sealed = new SecretBox([k1]).seal(SECRET, AAD);
    expect(() => new SecretBox([{ id: 'k1', key: k2.key }]).open(sealed, AAD)).toThrow(IntegrityError);
  });

  test.each([
    ['iv', 1],
    ['ciphertext', 2],
    ['tag', 3],
  ])('a tampered %s is refused', (_what, index) => {
    const box = new SecretBox([k1]);
    const sealed = box.seal(SECRET, AAD);
    expect(() => box.open(tamper(sealed, index), AAD)).toThrow(/failed authentication under key "k1"|malformed/);
    expect(() => box.open(tamper(sealed, index), AAD)).toThrow(IntegrityError);
  });

  test('a value moved to another tenant, instance or field does not open', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal(SECRET, AAD);
    expect(() => box.open(sealed, AAD.replace('acme\0', 'globex\0'))).toThrow(IntegrityError);
    expect(() => box.open(sealed, AAD.replace('appSecret', 'verifyToken'))).toThrow(IntegrityError);
  });

  test('malformed values and keys are refused', () => {
    const box = new SecretBox([k1]);
    expect(() => box.open('enc:v1:k1:only-two', AAD)).toThrow(IntegrityError);
    expect(() => box.open(SECRET, AAD)).toThrow(IntegrityError);
    expect(() => new SecretBox([])).toThrow(ConfigError);
    expect(() => new SecretBox([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
    expect(() => new SecretBox([k1, { id: 'k1', key: k2.key }])).toThrow(/names two different keys/);
  });
});

describe('connectorSecretsCodec', () => {
  const box = new SecretBox([newSecretKey('k1')]);
  const fields = (connector: string) => (connector === 'whatsapp-cloud' ? ['accessToken', 'appSecret', 'verifyToken'] : []);
  const inst: ConnectorInstance = {
    id: 'acme-wa',
    connector: 'whatsapp-cloud',
    tenant: 'acme',
    config: { appSecret: SECRET, verifyToken: 'verify-token-77', graphVersion: 'v21.0' },
  };

  test('seals exactly the declared secret settings and reads them back', () => {
    const codec = connectorSecretsCodec(box, fields);
    const stored = codec.encode(inst);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(JSON.stringify(stored)).not.toContain('verify-token-77');
    expect(stored.config.graphVersion).toBe('v21.0');
    expect(stored.config.accessToken).toBeUndefined();
    expect(SecretBox.isSealed(stored.config.appSecret)).toBe(true);
    expect(codec.decode(stored)).toEqual(inst);
  });

  test('without a key, secrets are refused with a 400 naming CUSTODY_SECRETS_KEYS, and sealed rows name it too', () => {
    const keyless = connectorSecretsCodec(undefined, fields);
    const encode = () => keyless.encode(inst);
    expect(encode).toThrow(RejectedInputError);
    expect(encode).toThrow(/appSecret, verifyToken.*CUSTODY_SECRETS_KEYS/);
    expect(keyless.encode({ ...inst, connector: 'no-secrets', config: { corpId: 'x' } }).config).toEqual({ corpId: 'x' });
    const stored = connectorSecretsCodec(box, fields).encode(inst);
    expect(() => keyless.decode(stored)).toThrow(/sealed with key "k1" and CUSTODY_SECRETS_KEYS is not set/);
  });

  test('a secret sealed for one instance does not open in another', () => {
    const codec = connectorSecretsCodec(box, fields);
    const stored = codec.encode(inst);
    expect(() => codec.decode({ ...stored, id: 'other-wa' })).toThrow(IntegrityError);
  });

  test('a value stored in clear before sealing existed is read as it is (re-saving seals it)', () => {
    expect(connectorSecretsCodec(box, fields).decode(inst)).toEqual(inst);
  });
});
