import { rawPayloadOf } from './raw-payload';

const envelope = (raw: unknown) => ({ id: 'a'.repeat(40), source: { connector: 'whatsapp-cloud', externalId: 'x', receivedAt: '2025-01-01T00:00:00Z', raw } });

describe('rawPayloadOf', () => {
  it('shows an inline UTF-8 body as it is', () => {
    expect(rawPayloadOf(envelope({ contentType: 'application/json', encoding: 'utf8', body: '{"a":"é"}' }))).toEqual({
      kind: 'inline',
      contentType: 'application/json',
      encoding: 'utf8',
      text: '{"a":"é"}',
      decoded: true,
      byteLength: 10,
    });
  });

  it('decodes an inline base64 body that is UTF-8 text', () => {
    const body = Buffer.from('From: ana@example.com\r\nSubject: Ünïcode\r\n', 'utf8').toString('base64');
    expect(rawPayloadOf(envelope({ contentType: 'message/rfc822', encoding: 'base64', body }))).toMatchObject({
      kind: 'inline',
      text: 'From: ana@example.com\r\nSubject: Ünïcode\r\n',
      decoded: true,
      byteLength: Buffer.from(body, 'base64').length,
    });
  });

  it('keeps the base64 as archived when the bytes are not text', () => {
    const body = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]).toString('base64');
    expect(rawPayloadOf(envelope({ contentType: 'image/jpeg', encoding: 'base64', body }))).toMatchObject({
      kind: 'inline',
      text: body,
      decoded: false,
      byteLength: 6,
    });
    expect(rawPayloadOf(envelope({ contentType: 'text/plain', encoding: 'base64', body: '%%%' }))).toMatchObject({ text: '%%%', decoded: false });
  });

  it('shows a reference to the archived delivery with its SHA-256', () => {
    const sha256 = 'c'.repeat(64);
    expect(rawPayloadOf(envelope({ contentType: 'application/json', sha256, size: 1234, path: 'entry.0.changes.0.value.messages.1' }))).toEqual({
      kind: 'reference',
      contentType: 'application/json',
      sha256,
      size: 1234,
      path: 'entry.0.changes.0.value.messages.1',
    });
    expect(rawPayloadOf(envelope({ contentType: 'application/json', sha256, size: 1 }))).toMatchObject({ path: null });
  });

  it('says so when there is none', () => {
    expect(rawPayloadOf({})).toEqual({ kind: 'missing' });
    expect(rawPayloadOf(null)).toEqual({ kind: 'missing' });
    expect(rawPayloadOf(envelope({ contentType: 'x' }))).toEqual({ kind: 'missing' });
  });
});
