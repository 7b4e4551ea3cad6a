import { currentText, formatBytes, formatDuration, isEdited, previewOf, routingEntries, sideOf, truncate, verificationStatus } from './thread-format';
import type { ThreadPerson } from './thread-types';

const person = (employeeId: string | null): ThreadPerson => ({ kind: 'phone', value: '+15550783881', displayName: null, employeeId });

describe('sideOf', () => {
  it('puts outbound on the employee side, inbound and unknown on the other', () => {
    expect(sideOf({ direction: 'outbound', sender: person('emp-1') })).toBe('employee');
    expect(sideOf({ direction: 'inbound', sender: person(null) })).toBe('external');
    expect(sideOf({ direction: 'unknown', sender: person('emp-1') })).toBe('external');
    expect(sideOf({ direction: 'internal', sender: person('emp-1') })).toBe('employee');
    expect(sideOf({ direction: 'internal', sender: person(null) })).toBe('external');
  });
});

describe('currentText and isEdited', () => {
  const v = (text: string | null, original = false) => ({ recordId: 'x', sentAt: '2025-01-01T00:00:00Z', by: person(null), text, original });

  it('is the last version when edited, the original otherwise', () => {
    expect(currentText({ text: 'v1', versions: [] })).toBe('v1');
    expect(currentText({ text: 'v1', versions: [v('v1', true), v('v2'), v('v3')] })).toBe('v3');
    expect(currentText({ text: 'v1', versions: [v('v1', true), v(null)] })).toBe('v1');
    expect(isEdited({ versions: [], editedAt: null })).toBe(false);
    expect(isEdited({ versions: [v('v1', true), v('v2')], editedAt: null })).toBe(true);
    expect(isEdited({ versions: [], editedAt: '2025-01-01T00:00:00Z' })).toBe(true);
  });
});

describe('verificationStatus', () => {
  it('is verified only when both hashes and the record log match', () => {
    expect(verificationStatus({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match' })).toEqual({ verified: true });
    expect(verificationStatus({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'pending' })).toEqual({
      verified: false,
      reason: 'not in the record log yet (seconds after capture)',
    });
    expect(verificationStatus({ objectSha256: 'mismatch', envelopeIntegrity: 'match', recordLog: 'match' })).toEqual({
      verified: false,
      reason: 'object SHA-256 mismatch',
    });
    expect(verificationStatus({ objectSha256: 'match', recordLog: 'match' })).toEqual({ verified: false, reason: 'envelope integrity not checked' });
    expect(verificationStatus(undefined)).toMatchObject({ verified: false });
    expect(verificationStatus(null)).toMatchObject({ verified: false });
  });
});

describe('previewOf', () => {
  it('previews images and audio, by media type first, by kind without one', () => {
    expect(previewOf({ kind: 'image', mimeType: 'image/jpeg' })).toBe('image');
    expect(previewOf({ kind: 'sticker', mimeType: null })).toBe('image');
    expect(previewOf({ kind: 'recording', mimeType: 'audio/wav' })).toBe('audio');
    expect(previewOf({ kind: 'voice', mimeType: null })).toBe('audio');
    expect(previewOf({ kind: 'image', mimeType: 'application/octet-stream' })).toBe('file');
    expect(previewOf({ kind: 'document', mimeType: 'application/pdf' })).toBe('file');
    expect(previewOf({ kind: 'video', mimeType: 'video/mp4' })).toBe('file');
  });
});

describe('formatBytes, formatDuration, truncate, routingEntries', () => {
  it('formats sizes', () => {
    expect(formatBytes(null)).toBeNull();
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(24576)).toBe('24 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(65)).toBe('1 min 5 s');
    expect(formatDuration(3725)).toBe('1 h 2 min 5 s');
    expect(formatDuration(3600)).toBe('1 h 0 min 0 s');
  });

  it('truncates by characters, never cutting an emoji', () => {
    expect(truncate('short', 140)).toBe('short');
    expect(truncate('abcdef', 3)).toBe('abc…');
    expect(truncate('😀😀😀😀', 2)).toBe('😀😀…');
  });

  it('lists routing as text', () => {
    expect(routingEntries(null)).toEqual([]);
    expect(routingEntries({ queue: 'desk-2', hops: 2, via: { trunk: 'a' } })).toEqual([
      ['queue', 'desk-2'],
      ['hops', '2'],
      ['via', '{"trunk":"a"}'],
    ]);
  });
});
