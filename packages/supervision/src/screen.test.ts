import type { EnvelopeDraft } from '@custody/envelope';
import { testEnvelope } from '@custody/testing';
import { contentAddress, parsePolicy } from './policy';
import { NORMALIZER_VERSION } from './normalize';
import { screenEnvelope, screeningInput, screeningsHash } from './screen';

const policy = parsePolicy(
  `
format: custody.policy/v1
id: guarantees
name: Promissory language
severity: high
rules:
  - id: guaranteed-returns
    description: A return promised
    match: guarant* NEAR/3 (return* OR profit*)
    zones: [body, subject, attachmentNames]
    exclude: ['"not guaranteed"']
scope:
  directions: [outbound]
`,
  'yaml',
);

const envelope = (externalId: string, over: Partial<EnvelopeDraft> = {}) =>
  testEnvelope(externalId, {
    direction: 'outbound',
    sender: { kind: 'phone', value: '+15550783881', employeeId: 'emp-7' },
    recipients: [{ kind: 'email', value: 'client@example.com' }],
    ...over,
  });

describe('screenEnvelope', () => {
  test('screens subject, text and attachment names, with spans in each original text', () => {
    const text = 'These returns are g u a r a n t e e d, I promise';
    const env = envelope('w.1', {
      content: { text, subject: 'Guaranteed profit' },
      attachments: [
        { id: 'a1', kind: 'document', fileName: 'terms.pdf' },
        { id: 'a2', kind: 'document', fileName: 'guaranteed-returns.pdf' },
      ],
    });
    const s = screenEnvelope(policy, env);
    expect(s).toMatchObject({ record: env.id, policy: contentAddress(policy), normalizer: NORMALIZER_VERSION, inScope: true });
    const spans = Object.fromEntries(
      s.hits.map((h) => [
        h.zone,
        h.spans.map((sp) =>
          ({ subject: env.content!.subject!, body: text, attachmentNames: 'terms.pdf\nguaranteed-returns.pdf' })[h.zone as 'body'].slice(sp.start, sp.end),
        ),
      ]),
    );
    expect(spans).toEqual({ subject: ['Guaranteed', 'profit'], body: ['returns', 'g u a r a n t e e d'], attachmentNames: ['guaranteed', 'returns'] });
  });

  test('the exclusion and the scope hold: "not guaranteed" is no promise, an inbound message is not screened', () => {
    expect(screenEnvelope(policy, envelope('w.2', { content: { text: 'returns are not guaranteed' } })).hits).toEqual([]);
    const inbound = screenEnvelope(policy, envelope('w.3', { direction: 'inbound', content: { text: 'guaranteed returns' } }));
    expect(inbound).toMatchObject({ inScope: false, hits: [] });
  });

  test('employees and everyone else are told apart for the scope', () => {
    expect(screeningInput(envelope('w.4'), ['desk-2', 'desk-2']).context).toEqual({
      employeeIds: ['emp-7'],
      groups: ['desk-2'],
      channel: 'whatsapp',
      direction: 'outbound',
      externalParticipants: [{ kind: 'email', value: 'client@example.com' }],
    });
  });

  test('a set of screenings has one identity, whatever order they come in', () => {
    const a = screenEnvelope(policy, envelope('w.5', { content: { text: 'guaranteed returns' } }));
    const b = screenEnvelope(policy, envelope('w.6', { content: { text: 'lunch at noon' } }));
    expect(screeningsHash([a, b])).toBe(screeningsHash([b, a]));
    expect(screeningsHash([a, b])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(screeningsHash([a])).not.toBe(screeningsHash([a, b]));
  });
});
