import { createHash } from 'node:crypto';
import { digestBytes, vendorDigest, vendorDigests } from './digests';

const content = Buffer.from('signed term sheet');
const hash = (a: string) => createHash(a).update(content).digest();

describe('vendor digests', () => {
  test.each(['md5', 'sha1', 'sha256'] as const)('%s in hex or base64 is recognized by its length and decodes to the digest', (algorithm) => {
    for (const encoding of ['hex', 'base64'] as const) {
      const value = hash(algorithm).toString(encoding);
      const d = vendorDigest(algorithm, value);
      expect(d).toEqual({ algorithm, encoding, value });
      expect(digestBytes(d!)).toEqual(hash(algorithm));
    }
    expect(vendorDigest(algorithm, hash(algorithm).toString('hex').toUpperCase())).toMatchObject({ encoding: 'hex' });
  });

  test('placeholders, truncated values and the wrong algorithm are not digests', () => {
    for (const value of [undefined, null, '', 'b1a2c3d4', 'x1', hash('md5').toString('hex').slice(1), `${hash('sha256').toString('base64').slice(0, -1)}!`]) {
      expect(vendorDigest('sha256', value)).toBeUndefined();
    }
    expect(vendorDigest('sha256', hash('md5').toString('hex'))).toBeUndefined();
    expect(digestBytes({ algorithm: 'md5', encoding: 'hex', value: 'zz'.repeat(16) })).toBeUndefined();
    expect(digestBytes({ algorithm: 'md5', encoding: 'base64', value: hash('sha1').toString('base64') })).toBeUndefined();
  });

  test('vendorDigests keeps only real digests and is empty without them', () => {
    expect(vendorDigests(undefined, vendorDigest('md5', 'nope'))).toEqual({});
    expect(vendorDigests(vendorDigest('md5', hash('md5').toString('hex')))).toEqual({
      vendorDigests: [{ algorithm: 'md5', encoding: 'hex', value: hash('md5').toString('hex') }],
    });
  });
});
