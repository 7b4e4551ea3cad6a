import { IntegrityError, RejectedInputError } from '@custody/errors';
import { canonicalJson, sha256Hex } from './canonical';
import { envelopeId } from './identity';
import { ENVELOPE_SCHEMA, envelopeJsonSchema, type Envelope, type EnvelopeDraft } from './schema';
import { integrityHash, parseEnvelope, sealEnvelope } from './seal';

function draft(overrides: Partial<EnvelopeDraft> = {}): EnvelopeDraft {
  return {
    tenant: 'acme',
    kind: 'message',
    channel: 'whatsapp',
    source: {
      connector: 'whatsapp-cloud',
      externalId: 'wamid.ABC',
      accountId: '106540352242922',
      receivedAt: '2025-11-22T08:26:41.000Z',
      raw: { contentType: 'application/json', encoding: 'utf8', body: '{"object":"whatsapp_business_account"}' },
    },
    conversation: { id: 'whatsapp:106540352242922:16505551234', type: 'direct' },
    sender: { kind: 'phone', value: '+16505551234', displayName: 'Sheena Nelson', platformId: '16505551234' },
    recipients: [{ kind: 'phone', value: '+15550783881', platformId: '106540352242922' }],
    direction: 'inbound',
    sentAt: '2025-11-22T08:26:40Z',
    capturedAt: '2025-11-22T08:26:41.000Z',
    content: { text: 'Can you buy 500 shares of ACME at market?', format: 'whatsapp/text' },
    ...overrides,
  };
}

/** Expects `fn` to throw an error of class `cls` with `code`; returns it for further assertions. */
function thrown<E extends Error>(fn: () => unknown, cls: new (...args: never[]) => E, code: string): E & { code: string } {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as { code: string }).code).toBe(code);
  return caught as E & { code: string };
}

describe('envelopeId', () => {
  test('is deterministic: 40 lowercase hex characters, same inputs same id', () => {
    const id = envelopeId('acme', 'whatsapp-cloud', 'wamid.1', 'message');
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(envelopeId('acme', 'whatsapp-cloud', 'wamid.1', 'message')).toBe(id);
  });

  test('differs when any of tenant, connector, externalId or kind differs', () => {
    const base = envelopeId('acme', 'whatsapp-cloud', 'wamid.1', 'message');
    const variants = [
      envelopeId('acme2', 'whatsapp-cloud', 'wamid.1', 'message'),
      envelopeId('acme', 'telegram-bot', 'wamid.1', 'message'),
      envelopeId('acme', 'whatsapp-cloud', 'wamid.2', 'message'),
      envelopeId('acme', 'whatsapp-cloud', 'wamid.1', 'status'),
    ];
    expect(new Set([base, ...variants]).size).toBe(5);
  });

  test('is collision-safe across field boundaries', () => {
    expect(envelopeId('a:b', 'c', 'x', 'message')).not.toBe(envelopeId('a', 'b:c', 'x', 'message'));
    expect(envelopeId('t', 'a:b', 'c', 'message')).not.toBe(envelopeId('t', 'a', 'b:c', 'message'));
    expect(envelopeId('t', 'a;b', 'c', 'message')).not.toBe(envelopeId('t', 'a', 'b;c', 'message'));
    expect(envelopeId('t', 'ab', '', 'message')).not.toBe(envelopeId('t', 'a', 'b', 'message'));
    // multi-byte characters are length-prefixed by bytes, not code units
    expect(envelopeId('t', 'é', 'x', 'message')).not.toBe(envelopeId('t', 'e', 'x', 'message'));
  });

  test('the sealed envelope carries the id derived from its own fields', () => {
    const env = sealEnvelope(draft());
    expect(env.id).toBe(envelopeId('acme', 'whatsapp-cloud', 'wamid.ABC', 'message'));
    expect(sealEnvelope(draft({ kind: 'status' })).id).toBe(envelopeId('acme', 'whatsapp-cloud', 'wamid.ABC', 'status'));
  });
});

describe('canonicalJson', () => {
  test('does not depend on key order, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 'x', p: null }], x: true } };
    const b = { a: { x: true, y: [1, { p: null, q: 'x' }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":true,"y":[1,{"p":null,"q":"x"}]},"b":1}');
  });

  test('omits undefined members, keeps null, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: 1 })).toBe('{"b":null,"c":1}');
    expect(canonicalJson({ a: 1 })).toBe(canonicalJson({ a: 1, z: undefined }));
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
  });

  test('has no whitespace and escapes strings like JSON', () => {
    expect(canonicalJson({ 'k "1"': 'line\nbreak', n: -0.5 })).toBe('{"k \\"1\\"":"line\\nbreak","n":-0.5}');
  });

  test('sorts keys by code unit, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}');
  });

  test('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(TypeError);
  });
});

describe('integrityHash', () => {
  const sealed = sealEnvelope(draft());

  test('is the SHA-256 of the canonical envelope without integrity', () => {
    const { integrity, ...rest } = sealed;
    expect(integrity.sha256).toBe(sha256Hex(canonicalJson(rest)));
    expect(integrityHash(sealed)).toBe(integrity.sha256);
    expect(integrityHash(rest)).toBe(integrity.sha256);
  });

  test('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(sealed).reverse()) as Envelope;
    expect(integrityHash(reversed)).toBe(sealed.integrity.sha256);
  });

  const mutations: Array<[string, (e: Envelope) => void]> = [
    ['tenant', (e) => (e.tenant = 'other')],
    ['kind', (e) => (e.kind = 'edit')],
    ['channel', (e) => (e.channel = 'sms')],
    ['source.externalId', (e) => (e.source.externalId = 'wamid.XYZ')],
    ['source.receivedAt', (e) => (e.source.receivedAt = '2025-11-22T08:26:42.000Z')],
    ['source.raw.body', (e) => ((e.source.raw as { body: string }).body = '{"object":"x"}')],
    ['conversation.id', (e) => (e.conversation.id = 'other')],
    ['sender.value', (e) => (e.sender.value = '+16505551235')],
    ['sender.displayName', (e) => (e.sender.displayName = 'Someone Else')],
    ['recipients', (e) => e.recipients.push({ kind: 'email', value: 'a@example.com' })],
    ['direction', (e) => (e.direction = 'outbound')],
    ['sentAt', (e) => (e.sentAt = '2025-11-22T08:26:39Z')],
    ['capturedAt', (e) => (e.capturedAt = '2025-11-22T08:26:42Z')],
    ['content.text', (e) => (e.content!.text = 'Can you buy 5000 shares of ACME at market?')],
    ['refs added', (e) => (e.refs = { replyTo: 'wamid.PREV' })],
    ['id', (e) => (e.id = '0'.repeat(40))],
  ];
  test.each(mutations)('changes when %s changes', (_name, mutate) => {
    const copy = structuredClone(sealed);
    mutate(copy);
    expect(integrityHash(copy)).not.toBe(sealed.integrity.sha256);
  });

  test('ignores the integrity member itself', () => {
    const copy = structuredClone(sealed);
    copy.integrity.sha256 = 'f'.repeat(64);
    expect(integrityHash(copy)).toBe(sealed.integrity.sha256);
  });
});

describe('sealEnvelope', () => {
  test('adds schema, id and integrity and keeps the draft content', () => {
    const d = draft();
    const env = sealEnvelope(d);
    expect(env.schema).toBe(ENVELOPE_SCHEMA);
    expect(env.schema).toBe('custody.envelope/v1');
    expect(env.integrity.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(env).toMatchObject(d);
  });

  test('an attachment type that is not a media type is kept as declaredMimeType, never as mimeType', () => {
    const bad = 'text/plain\r\nX-Injected: yes';
    const env = sealEnvelope(
      draft({
        attachments: [
          { id: 'a1', kind: 'document', mimeType: bad },
          { id: 'a2', kind: 'document', mimeType: 'application/pdf' },
        ],
      }),
    );
    expect(env.attachments![0]).toEqual({ id: 'a1', kind: 'document', declaredMimeType: bad });
    expect(env.attachments![1].mimeType).toBe('application/pdf');
    const call = sealEnvelope(
      draft({
        kind: 'call',
        channel: 'voice',
        call: {
          status: 'completed',
          from: { kind: 'phone', value: '+16505551234' },
          to: { kind: 'phone', value: '+15550783881' },
          recording: { id: 'r', kind: 'recording', mimeType: 'audio/wav; name=résumé☃' },
        },
      }),
    );
    expect(call.call!.recording).toEqual({ id: 'r', kind: 'recording', declaredMimeType: 'audio/wav; name=résumé☃' });
  });

  test('sealing the same draft twice gives identical envelopes', () => {
    expect(JSON.stringify(sealEnvelope(draft()))).toBe(JSON.stringify(sealEnvelope(draft())));
  });

  test('rejects a phone participant that is not E.164, naming the path', () => {
    for (const value of ['16505551234', '+0123456', '+1 650 555 1234', '+1234567890123456', 'tel:+16505551234']) {
      const err = thrown(() => sealEnvelope(draft({ sender: { kind: 'phone', value } })), RejectedInputError, 'envelope_invalid');
      expect(err.message).toContain('sender.value');
      expect(err.message).toContain('E.164');
    }
    const err = thrown(
      () =>
        sealEnvelope(
          draft({
            recipients: [
              { kind: 'phone', value: '+15550783881' },
              { kind: 'phone', value: '555-0199' },
            ],
          }),
        ),
      RejectedInputError,
      'envelope_invalid',
    );
    expect(err.message).toContain('recipients.1.value');
  });

  test('accepts handles and emails that are not phone numbers', () => {
    expect(() => sealEnvelope(draft({ sender: { kind: 'handle', value: 'user_123' } }))).not.toThrow();
    expect(() => sealEnvelope(draft({ sender: { kind: 'email', value: 'a@example.com' } }))).not.toThrow();
  });

  test('timestamps must be UTC ending in Z', () => {
    for (const sentAt of ['2025-11-22T08:26:40+00:00', '2025-11-22T08:26:40', '2025-11-22 08:26:40Z', '2025-11-22', '1763800000', '2025-13-40T08:26:40Z']) {
      const err = thrown(() => sealEnvelope(draft({ sentAt })), RejectedInputError, 'envelope_invalid');
      expect(err.message).toContain('sentAt');
    }
    const err = thrown(
      () => sealEnvelope(draft({ source: { ...draft().source, receivedAt: '2025-11-22T08:26:41.000+01:00' } })),
      RejectedInputError,
      'envelope_invalid',
    );
    expect(err.message).toContain('source.receivedAt');
    expect(() => sealEnvelope(draft({ sentAt: '2025-11-22T08:26:40.123456789Z' }))).not.toThrow();
  });

  test('timestamps must be real calendar instants (no 30 February, 31 April or 29 February of a common year)', () => {
    // The schema's refine says "a real calendar instant", but V8's Date.parse rolls impossible days
    // over into the next month instead of returning NaN, so these currently pass validation.
    for (const sentAt of ['2025-02-30T00:00:00Z', '2025-04-31T12:00:00Z', '2025-02-29T00:00:00Z']) {
      const err = thrown(() => sealEnvelope(draft({ sentAt })), RejectedInputError, 'envelope_invalid');
      expect(err.message).toContain('sentAt');
    }
    expect(() => sealEnvelope(draft({ sentAt: '2024-02-29T00:00:00Z' }))).not.toThrow();
  });

  test('rejects unknown members (the contract is strict)', () => {
    const bad = { ...draft(), extra: 1 } as unknown as EnvelopeDraft;
    const err = thrown(() => sealEnvelope(bad), RejectedInputError, 'envelope_invalid');
    expect(err.message).toMatch(/extra/);
  });

  test('rejects a tenant that is not a lowercase slug', () => {
    thrown(() => sealEnvelope(draft({ tenant: 'Acme Corp' })), RejectedInputError, 'envelope_invalid');
  });
});

describe('parseEnvelope', () => {
  const sealed = sealEnvelope(draft());
  const bytes = JSON.stringify(sealed);

  test('round-trips a sealed envelope from a string or a Buffer', () => {
    expect(parseEnvelope(bytes)).toEqual(sealed);
    expect(parseEnvelope(Buffer.from(bytes, 'utf8'))).toEqual(sealed);
  });

  test('accepts the same envelope with keys in another order and extra whitespace', () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(sealed).reverse()), null, 2);
    expect(parseEnvelope(reordered)).toEqual(sealed);
  });

  test('rejects a tampered envelope with IntegrityError', () => {
    const tampered = JSON.stringify({ ...sealed, content: { ...sealed.content, text: 'Can you sell 500 shares of ACME at market?' } });
    const err = thrown(() => parseEnvelope(tampered), IntegrityError, 'integrity_violation');
    expect(err.message).toContain(sealed.id);
    expect((err as unknown as { retriable: boolean }).retriable).toBe(false);
  });

  test('rejects a tampered id or integrity hash with IntegrityError', () => {
    thrown(() => parseEnvelope(JSON.stringify({ ...sealed, id: 'a'.repeat(40) })), IntegrityError, 'integrity_violation');
    thrown(() => parseEnvelope(JSON.stringify({ ...sealed, integrity: { sha256: 'a'.repeat(64) } })), IntegrityError, 'integrity_violation');
  });

  test('rejects invalid JSON with RejectedInputError', () => {
    for (const input of ['', 'not json', bytes.slice(0, -1), '{"schema":']) {
      const err = thrown(() => parseEnvelope(input), RejectedInputError, 'envelope_not_json');
      expect(err.status).toBe(400);
    }
  });

  test('rejects JSON that violates the schema with RejectedInputError naming the path', () => {
    const noIntegrity = { ...sealed } as Partial<Envelope>;
    delete noIntegrity.integrity;
    expect(thrown(() => parseEnvelope(JSON.stringify(noIntegrity)), RejectedInputError, 'envelope_invalid').message).toContain('integrity');

    const wrongSchema = { ...sealed, schema: 'custody.envelope/v2' };
    expect(thrown(() => parseEnvelope(JSON.stringify(wrongSchema)), RejectedInputError, 'envelope_invalid').message).toContain('schema');

    const badPhone = { ...sealed, sender: { ...sealed.sender, value: '16505551234' } };
    expect(thrown(() => parseEnvelope(JSON.stringify(badPhone)), RejectedInputError, 'envelope_invalid').message).toContain('sender.value');

    const localTime = { ...sealed, sentAt: '2025-11-22T08:26:40+02:00' };
    expect(thrown(() => parseEnvelope(JSON.stringify(localTime)), RejectedInputError, 'envelope_invalid').message).toContain('sentAt');

    for (const notAnObject of ['null', '[]', '42', '"envelope"']) thrown(() => parseEnvelope(notAnObject), RejectedInputError, 'envelope_invalid');
  });
});

describe('envelopeJsonSchema', () => {
  const schema = envelopeJsonSchema() as {
    $schema?: string;
    type?: string;
    required?: string[];
    additionalProperties?: unknown;
    properties?: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
  };

  test('is a draft 2020-12 object schema requiring every mandatory envelope member', () => {
    expect(schema.$schema).toContain('2020-12');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect([...(schema.required ?? [])].sort()).toEqual(
      ['capturedAt', 'channel', 'conversation', 'direction', 'id', 'integrity', 'kind', 'recipients', 'schema', 'sender', 'sentAt', 'source', 'tenant'].sort(),
    );
    for (const optional of ['content', 'attachments', 'refs', 'call']) {
      expect(schema.required).not.toContain(optional);
      expect(schema.properties).toHaveProperty(optional);
    }
  });

  test('describes nested required fields', () => {
    expect(schema.properties!.source.required).toEqual(expect.arrayContaining(['connector', 'externalId', 'receivedAt', 'raw']));
    expect(schema.properties!.integrity.required).toEqual(['sha256']);
    expect(JSON.stringify(schema.properties!.sentAt)).toContain('Z$');
  });

  test('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('display values', () => {
  test('control characters and bidi overrides leave names, titles, file names and subjects; lengths are bounded; the raw keeps the vendor value', () => {
    const env = sealEnvelope(
      draft({
        sender: { kind: 'phone', value: '+16505551234', displayName: '=HYPERLINK("http://x")\r\nX-Injected: 1' },
        recipients: [
          { kind: 'handle', value: 'bob', displayName: '\u202eevil\u202c\u0000' },
          { kind: 'handle', value: 'carol', displayName: '\r\n\t' },
        ],
        conversation: { id: 'c', type: 'group', title: 'Desk\u2028Chat' },
        content: { subject: 'Re:\r\nBcc: all@example.com', text: 'line one\nline two' },
        attachments: [{ id: 'a1', kind: 'document', fileName: `${'n'.repeat(300)}\u0007.pdf` }],
      }),
    );
    expect(env.sender.displayName).toBe('=HYPERLINK("http://x") X-Injected: 1');
    expect(env.recipients[0].displayName).toBe('evil');
    expect('displayName' in env.recipients[1]).toBe(false);
    expect(env.conversation.title).toBe('Desk Chat');
    expect(env.content).toEqual({ subject: 'Re: Bcc: all@example.com', text: 'line one\nline two' });
    expect(env.attachments![0].fileName).toHaveLength(255);
    expect(env.source.raw).toEqual(draft().source.raw);
    expect(parseEnvelope(JSON.stringify(env))).toEqual(env);
  });

  test('a length bound never splits a character', () => {
    const env = sealEnvelope(draft({ sender: { kind: 'phone', value: '+16505551234', displayName: '😀'.repeat(300) } }));
    expect(Array.from(env.sender.displayName!)).toHaveLength(256);
    expect(env.sender.displayName!.endsWith('😀')).toBe(true);
  });
});
