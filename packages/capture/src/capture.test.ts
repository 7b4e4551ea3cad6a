import { z } from 'zod';
import type { Bus, OutgoingMessage } from '@custody/bus';
import { isolateEvent, parseJsonDelivery, rawSource, type AnyConnector, type NormalizeContext } from '@custody/connector-kit';
import type { EnvelopeDraft } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { capture, MAX_QUARANTINE_BYTES, publishCaptured, sealDelivery } from '.';

const Batch = z.object({ events: z.array(z.object({ id: z.string(), bad: z.boolean().optional() }).loose()) }).loose();

/** Events are `events.N` of one JSON delivery, as the webhook connectors' are; `bad` ones are refused. */
const connector = {
  id: 'batch',
  channel: 'sms',
  description: 'test batch connector',
  configSchema: z.unknown(),
  verify: () => undefined,
  parse: (raw: Buffer) => parseJsonDelivery(raw, Batch, 'batch webhook'),
  normalize: (parsed: z.infer<typeof Batch>, ctx: NormalizeContext) =>
    parsed.events.flatMap((e, i) =>
      isolateEvent(`events.${i}`, (): EnvelopeDraft => {
        if (e.bad) throw new RejectedInputError('bad_event', `event ${e.id} is bad`);
        return {
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
        };
      }),
    ),
} as unknown as AnyConnector;

const topics = { customerData: 'data', quarantine: 'quarantine', raw: 'raw' };
const receivedAt = new Date('2025-06-01T00:00:00Z');

function recordingBus() {
  const published: Array<{ topic: string } & OutgoingMessage> = [];
  const bus = {
    publish: async (topic: string, messages: OutgoingMessage[]) => void published.push(...messages.map((m) => ({ topic, ...m }))),
  } as unknown as Bus;
  return { bus, published };
}

const delivery = (body: string) => ({ connector, raw: Buffer.from(body), contentType: 'application/json', tenant: 'acme', instance: 'acme-sms', receivedAt });

describe('capture', () => {
  test('publishes the delivery bytes first, then the records, then quarantines each refused event by reference', async () => {
    const { bus, published } = recordingBus();
    const quarantined: string[] = [];
    const outcome = await capture({ bus, topics }, delivery('{"events":[{"id":"a"},{"id":"b","bad":true}]}'), {
      onQuarantined: (r) => quarantined.push(r.code),
    });

    expect('accepted' in outcome && outcome.accepted.map((e) => e.source.externalId)).toEqual(['a']);
    expect(published.map((m) => m.topic)).toEqual(['raw', 'data', 'quarantine']);
    const sha256 = published[0].headers!.sha256;
    expect(published[0].headers).toMatchObject({ tenant: 'acme', instance: 'acme-sms', connector: 'batch', content_type: 'application/json' });
    expect(published[1].headers).toMatchObject({ tenant: 'acme', instance: 'acme-sms' });
    expect(published[2].headers).toMatchObject({ code: 'bad_event', stage: 'normalize', instance: 'acme-sms', raw_sha256: sha256, path: 'events.1' });
    expect(JSON.parse(published[2].value.toString())).toEqual({ code: 'bad_event', reason: 'event b is bad', path: 'events.1', rawSha256: sha256 });
    expect(quarantined).toEqual(['bad_event']);
  });

  test('a delivery of one event keeps its exact bytes inside its record and publishes no delivery to archive apart', async () => {
    const { bus, published } = recordingBus();
    const body = '{"events":[{"id":"solo","note":"caf\u00e9 \u2713"}]}';
    await capture({ bus, topics }, delivery(body));
    expect(published.map((m) => m.topic)).toEqual(['data']);
    const record = JSON.parse(published[0].value.toString());
    expect(record.source.raw).toEqual({ contentType: 'application/json', encoding: 'utf8', body });
    expect(Buffer.from(record.source.raw.body, 'utf8').equals(Buffer.from(body))).toBe(true);
  });

  test('several events, a refused one beside one record, or a delivery over 64 KiB: the delivery is archived once and cited', async () => {
    const big = JSON.stringify({ events: [{ id: 'large', pad: 'x'.repeat(64 * 1024) }] });
    for (const body of ['{"events":[{"id":"a"},{"id":"b"}]}', '{"events":[{"id":"a"},{"id":"b","bad":true}]}', big]) {
      const { bus, published } = recordingBus();
      await capture({ bus, topics }, delivery(body));
      expect(published[0].topic).toBe('raw');
      const records = published.filter((m) => m.topic === 'data').map((m) => JSON.parse(m.value.toString()));
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) expect(r.source.raw).toMatchObject({ sha256: published[0].headers!.sha256, size: Buffer.byteLength(body) });
    }
  });

  test('the sealing half has no side effect and yields exactly what capture publishes', async () => {
    const body = '{"events":[{"id":"a"},{"id":"b"}]}';
    const sealed = sealDelivery(delivery(body));
    const { bus, published } = recordingBus();
    await capture({ bus, topics }, delivery(body));
    expect(published.filter((m) => m.topic === 'data').map((m) => JSON.parse(m.value.toString()).id)).toEqual(sealed.envelopes.map((e) => e.id));
  });

  test.each([
    ['unparseable', '{"events":'],
    ['without a single usable event', '{"events":[{"id":"a","bad":true}]}'],
  ])('a delivery %s is refused and quarantined whole, with its exact bytes', async (_what, body) => {
    const { bus, published } = recordingBus();
    const outcome = await capture({ bus, topics }, delivery(body));
    expect('refused' in outcome && outcome.refused).toBeInstanceOf(RejectedInputError);
    expect(published.map((m) => m.topic)).toEqual(['quarantine']);
    expect(published[0].value).toEqual(Buffer.from(body));
  });

  test('export items are quarantined with their own bytes, truncated past the message limit, and cite no delivery', async () => {
    const { bus, published } = recordingBus();
    const big = Buffer.alloc(MAX_QUARANTINE_BYTES + 10, 'x');
    const rejected = [
      { rejected: true as const, code: 'bad_item', reason: 'no date', path: 'position 1', raw: { body: Buffer.from('line 1'), contentType: 'text/plain' } },
      { rejected: true as const, code: 'bad_item', reason: 'too big', path: 'position 2', raw: { body: big } },
    ];
    await publishCaptured(bus, topics, { tenant: 'acme', connector: 'whatsapp-export', stage: 'import', receivedAt }, { envelopes: [], rejected });
    expect(published.map((m) => m.topic)).toEqual(['quarantine', 'quarantine']);
    expect(published[0].value).toEqual(Buffer.from('line 1'));
    expect(published[0].headers).toEqual({
      code: 'bad_item',
      reason: 'position 1: no date',
      stage: 'import',
      connector: 'whatsapp-export',
      tenant: 'acme',
      content_type: 'text/plain',
      received_at: receivedAt.toISOString(),
    });
    expect(published[1].value.length).toBe(MAX_QUARANTINE_BYTES);
    expect(published[1].headers).toMatchObject({ truncated: 'true' });
  });
});
