import type { Envelope, EnvelopeDraft } from '@custody/envelope';
import { testEnvelope } from '@custody/testing';
import { mediaKey, pointedAt, threadView, unhashedMedia, type ThreadRecord } from './thread-view';

/** A message to emp-7's number, sent at `sentAt`. */
const envelope = (externalId: string, sentAt: string, over: Partial<EnvelopeDraft> = {}): Envelope =>
  testEnvelope(externalId, { recipients: [{ kind: 'phone', value: '+15550783881', employeeId: 'emp-7' }], sentAt, ...over });

const verified = (e: Envelope): ThreadRecord => ({
  envelope: e,
  archive: { key: `tenants/acme/records/${e.id}.json`, sha256: 'a'.repeat(64), size: 1, retentionMode: 'COMPLIANCE', retainUntil: null, legalHold: false },
  verification: { objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match' },
  holds: [],
});

describe('threadView', () => {
  const original = envelope('w.A', '2025-01-01T10:00:00.000Z', { content: { text: 'v1' } });
  // history arrives in any order; versions come out in time order, the original first
  const edit2 = envelope('w.E2', '2025-01-01T10:05:00.000Z', { kind: 'edit', content: { text: 'v3' }, refs: { edits: 'w.A' } });
  const edit1 = envelope('w.E1', '2025-01-01T10:01:00.000Z', { kind: 'edit', content: { text: 'v2' }, refs: { edits: 'w.A' } });
  const like = envelope('w.R1', '2025-01-01T10:02:00.000Z', { kind: 'reaction', refs: { reactsTo: 'w.A', emoji: '👍' } });
  const unlike = envelope('w.R2', '2025-01-01T10:03:00.000Z', { kind: 'reaction', refs: { reactsTo: 'w.A', emoji: '' } });
  const quoting = envelope('w.Q', '2025-01-01T11:00:00.000Z', { content: { text: 'see above' }, refs: { replyTo: 'w.gone' } });

  test('edits become versions in time order, a removed reaction stays listed as removed, a reply to an uncaptured message says so', () => {
    const [a, q] = threadView({ page: [verified(original), verified(quoting)], history: [edit2, like, edit1, unlike].map(verified), elsewhere: new Map() });
    expect(a.text).toBe('v1');
    expect(a.versions.map((v) => [v.text, v.original])).toEqual([
      ['v1', true],
      ['v2', false],
      ['v3', false],
    ]);
    expect(a.reactions.map((r) => [r.emoji, r.removed])).toEqual([
      ['👍', false],
      ['', true],
    ]);
    expect(a.deletions).toEqual([]);
    expect(a.recipients).toEqual([{ kind: 'phone', value: '+15550783881', displayName: null, employeeId: 'emp-7' }]);
    expect(q.replyTo).toMatchObject({ externalId: 'w.gone', captured: false, href: null, excerpt: null });
  });

  test('history of another connector with the same vendor id is not folded in', () => {
    const elsewhere = envelope('w.E9', '2025-01-01T10:01:00.000Z', {
      kind: 'edit',
      content: { text: 'not ours' },
      refs: { edits: 'w.A' },
      source: { ...original.source, connector: 'signal', externalId: 'w.E9' },
    });
    const [a] = threadView({ page: [verified(original)], history: [verified(elsewhere)], elsewhere: new Map() });
    expect(a.versions).toEqual([]);
  });

  test('a call shows duration, direction and routing; its recording links to the verified download', () => {
    const call = envelope('CA1', '2025-01-01T12:00:00.000Z', {
      kind: 'call',
      channel: 'voice',
      direction: 'outbound',
      call: {
        status: 'completed',
        durationSec: 42,
        from: { kind: 'phone', value: '+15550783881' },
        to: { kind: 'phone', value: '+16505551234' },
        routing: { queue: 'desk-2' },
        recording: { id: 'RE1', kind: 'recording', mimeType: 'audio/wav' },
      },
    });
    const [c] = threadView({ page: [verified(call)], history: [], elsewhere: new Map() });
    expect(c.direction).toBe('outbound');
    expect(c.call).toMatchObject({
      status: 'completed',
      durationSec: 42,
      routing: { queue: 'desk-2' },
      recording: { id: 'RE1', href: `/v1/records/${call.id}/attachments/RE1` },
    });
  });

  test('media fetched after capture: its SHA-256 and size come from the WORM manifest; not fetched yet, none', () => {
    const recording = { id: 'RE2', kind: 'recording' as const, mimeType: 'audio/wav' };
    const call = envelope('CA2', '2025-01-01T12:00:00.000Z', {
      kind: 'call',
      channel: 'voice',
      call: { status: 'completed', from: { kind: 'phone', value: '+15550783881' }, to: { kind: 'phone', value: '+16505551234' }, recording },
    });
    const hashed = envelope('w.IMG', '2025-01-01T12:01:00.000Z', { attachments: [{ id: 'm1', kind: 'image', sha256: 'c'.repeat(64), size: 3 }] });
    expect(unhashedMedia([call, hashed])).toEqual([{ recordId: call.id, attachmentId: 'RE2' }]);
    const fetched = new Map([[mediaKey(call.id, 'RE2'), { sha256: 'b'.repeat(64), size: 65_539 }]]);
    const [c, h] = threadView({ page: [verified(call), verified(hashed)], history: [], elsewhere: new Map(), fetched });
    expect(c.call?.recording).toMatchObject({ sha256: 'b'.repeat(64), size: 65_539 });
    expect(h.attachments[0]).toMatchObject({ sha256: 'c'.repeat(64), size: 3 });
    const [notYet] = threadView({ page: [verified(call)], history: [], elsewhere: new Map() });
    expect(notYet.call?.recording).toMatchObject({ sha256: null, size: null });
  });

  test('pointedAt names the quoted and revised messages off the page, once', () => {
    expect(pointedAt([quoting, edit1, edit2])).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), original.id]);
    expect(pointedAt([original, edit1])).toEqual([]);
  });
});
