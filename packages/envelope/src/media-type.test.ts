import { isMediaType, servedMediaType } from './media-type';

describe('media types from vendors', () => {
  test.each([
    'application/pdf',
    'text/plain; charset=utf-8',
    'image/jpeg',
    'text/plain;name="report.txt"',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'audio/ogg; codecs=opus',
  ])('%s is a media type', (v) => {
    expect(isMediaType(v)).toBe(true);
    expect(servedMediaType(v)).toBe(v);
  });
  test.each([
    'text/plain\r\nX-Injected: yes',
    'text/plain; name=résumé☃',
    'text/plain; name="résumé"',
    'pdf',
    '',
    'text/',
    '/plain',
    'text/plain\n',
    'a/b; x',
    `a/${'b'.repeat(300)}`,
    'text/plain\u0000',
  ])('%j is not, and is served as application/octet-stream', (v) => {
    expect(isMediaType(v)).toBe(false);
    expect(servedMediaType(v)).toBe('application/octet-stream');
  });
  test('undefined is served as application/octet-stream', () => expect(servedMediaType(undefined)).toBe('application/octet-stream'));
});
