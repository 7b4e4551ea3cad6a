import { z } from 'zod';
import type { EnvelopeDraft } from '@custody/envelope';
import type { AnyConnector } from './connector';
import { findKeyDefects } from './duplicate-keys';
import { collectPayloadDefects, parseJsonBody, parseJsonDelivery } from './json';
import { isolateEvent, normalizePayload, rawSource } from './run';

const Batch = z.object({ events: z.array(z.object({ id: z.string() }).loose()) }).loose();

/** A connector whose events are `events.N` of one JSON delivery, as the real webhook connectors are. */
const batchConnector = {
  id: 'batch',
  channel: 'sms',
  description: 'test batch connector',
  configSchema: z.unknown(),
  verify: () => undefined,
  parse: (raw: Buffer) => parseJsonDelivery(raw, Batch, 'batch webhook'),
  normalize: (parsed: z.infer<typeof Batch>, ctx: Parameters<AnyConnector['normalize']>[1]) =>
    parsed.events.flatMap((e, i) =>
      isolateEvent(`events.${i}`, (): EnvelopeDraft => ({
        tenant: ctx.tenant,
        kind: 'message',
        channel: 'sms',
        source: { connector: 'batch', externalId: e.id, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
        conversation: { id: 'c', type: 'direct' },
        sender: { kind: 'handle', value: 'a' },
        recipients: [],
        direction: 'unknown',
        sentAt: '2025-01-01T00:00:00Z',
        capturedAt: ctx.receivedAt.toISOString(),
      })),
    ),
} as unknown as AnyConnector;

const run = (body: string) =>
  normalizePayload(batchConnector, Buffer.from(body), 'application/json', { tenant: 'acme', receivedAt: new Date('2025-06-01T00:00:00Z') });
const outcome = (body: string) => {
  const { envelopes, rejected } = run(body);
  return { ok: envelopes.map((e) => e.source.externalId), rejected: rejected.map((r) => `${r.path}:${r.code}`) };
};

describe('refused keys in a delivery of many events', () => {
  test('inside one event: only that event is quarantined', () => {
    expect(outcome('{"events":[{"id":"a"},{"id":"b","x":{"__proto__":{"polluted":1}}},{"id":"c"}]}')).toEqual({
      ok: ['a', 'c'],
      rejected: ['events.1:forbidden_key'],
    });
    expect(outcome('{"events":[{"id":"a","n":1,"n":2},{"id":"b"}]}')).toEqual({ ok: ['b'], rejected: ['events.0:duplicate_key'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('in an object that encloses events (here the root): every event it encloses is quarantined', () => {
    expect(outcome('{"constructor":1,"events":[{"id":"a"},{"id":"b"}]}')).toEqual({ ok: [], rejected: ['events.0:forbidden_key', 'events.1:forbidden_key'] });
  });

  test('a key no event accounts for refuses the delivery', () => {
    expect(() => run('{"meta":{"prototype":1},"events":[{"id":"a"}]}')).toThrow(expect.objectContaining({ code: 'forbidden_key' }));
  });

  test('a key that leaves the payload outside its schema refuses it for that key', () => {
    expect(() => run('{"events":[{"id":"a"},{"__proto__":"b"}]}')).toThrow(expect.objectContaining({ code: 'forbidden_key' }));
  });

  test('removing a nested refused key never walks into Object.prototype', () => {
    const { value, defects } = collectPayloadDefects(() =>
      parseJsonDelivery(Buffer.from('{"__proto__":{"constructor":{"x":1}},"events":[]}'), z.unknown(), 'w'),
    );
    expect(defects.map((d) => d.at)).toEqual(['__proto__', '__proto__.constructor']);
    expect(Object.hasOwn(value as object, '__proto__')).toBe(false);
    expect(Object.prototype.constructor).toBe(Object);
  });

  test('outside a delivery parseJsonDelivery is as strict as parseJsonBody', () => {
    for (const parse of [parseJsonBody, parseJsonDelivery]) {
      expect(() => parse(Buffer.from('{"a":{"__proto__":1}}'), z.unknown(), 'w')).toThrow('w: key "__proto__" is not allowed (at $.a.__proto__)');
    }
  });

  test('findKeyDefects lists every refused key in document order', () => {
    expect(findKeyDefects('{"a":1,"a":2,"b":[{"prototype":0}],"c":{"__proto__":null}}')).toEqual([
      { code: 'duplicate_key', key: 'a', at: ['a'] },
      { code: 'forbidden_key', key: 'prototype', at: ['b', 0, 'prototype'] },
      { code: 'forbidden_key', key: '__proto__', at: ['c', '__proto__'] },
    ]);
  });
});
