import { RejectedInputError } from '@custody/errors';
import { z } from 'zod';
import { findDuplicateKey, rejectDuplicateKeys } from './duplicate-keys';
import { parseJsonBody } from './json';

describe('findDuplicateKey', () => {
  test.each([
    ['{"side":"BUY","side":"SELL"}', 'side', '$.side'],
    ['{"a":[{"x":1},{"y":1,"y":2}]}', 'y', '$.a[1].y'],
    ['[1,[2,3],{"k":{"z":0,"z":0}}]', 'z', '$[2].k.z'],
    // escapes are the same key after decoding
    ['{"side":"BUY","\\u0073ide":"SELL"}', 'side', '$.side'],
    ['{"a b":{"\\"":1,"\\"":2}}', '"', '$["a b"]["\\""]'],
  ])('%s → %s at %s', (text, key, path) => {
    expect(findDuplicateKey(text)).toEqual({ key, path });
  });

  test.each([
    '{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]}',
    // keys inside string values, commas and brackets in strings, escaped quotes
    '{"a":"{\\"a\\":1,\\"a\\":2}","b":"[,]}"}',
    '[]',
    '"a"',
    '{}',
    '{"a":[],"b":{},"c":[[],[{}]]}',
  ])('no duplicate in %s', (text) => {
    expect(findDuplicateKey(text)).toBeUndefined();
  });

  test('a duplicate in a later sibling object after a closed one is found, siblings do not share keys', () => {
    expect(findDuplicateKey('{"m":[{"id":1,"t":"a"},{"id":2,"t":"b","t":"c"}]}')).toEqual({ key: 't', path: '$.m[1].t' });
  });

  test('rejectDuplicateKeys throws a 400 duplicate_key naming key and path', () => {
    let err: unknown;
    try {
      rejectDuplicateKeys('{"order":{"side":"BUY","side":"SELL"}}', 'webhook');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RejectedInputError);
    expect(err).toMatchObject({ code: 'duplicate_key', status: 400, message: 'webhook: duplicate key "side" at $.order.side' });
  });

  test('a large body with many sibling objects: only the duplicate at the end is reported', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `{"id":${i},"text":"m${i}, {\\"x\\"}"}`).join(',');
    const text = `{"items":[${items}],"tail":1,"tail":2}`;
    expect(findDuplicateKey(text)).toEqual({ key: 'tail', path: '$.tail' });
  });
});

describe('parseJsonBody', () => {
  test('rejects duplicate keys (the last one would silently win)', () => {
    expect(() => parseJsonBody(Buffer.from('{"side":"BUY","side":"SELL"}'), z.unknown(), 'hook')).toThrow(expect.objectContaining({ code: 'duplicate_key' }));
  });
  test('still rejects prototype keys', () => {
    expect(() => parseJsonBody(Buffer.from('{"__proto__":{"x":1}}'), z.unknown(), 'hook')).toThrow(expect.objectContaining({ code: 'forbidden_key' }));
  });
  test('accepts the same key in different objects', () => {
    expect(parseJsonBody(Buffer.from('{"a":{"id":1},"b":{"id":2}}'), z.unknown(), 'hook')).toEqual({ a: { id: 1 }, b: { id: 2 } });
  });
});
