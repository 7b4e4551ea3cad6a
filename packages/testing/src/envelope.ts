import { sealEnvelope, type Envelope, type EnvelopeDraft } from '@custody/envelope';

/**
 * A sealed envelope for unit tests: an inbound WhatsApp text message of tenant `acme` in direct
 * conversation `c1` from +16505551234, received and captured when it was sent, with `over` on top.
 */
export function testEnvelope(externalId: string, over: Partial<EnvelopeDraft> = {}, connector = 'whatsapp-cloud'): Envelope {
  const sentAt = over.sentAt ?? '2025-11-22T08:26:40.000Z';
  return sealEnvelope({
    tenant: 'acme',
    kind: 'message',
    channel: 'whatsapp',
    source: { connector, externalId, receivedAt: sentAt, raw: { contentType: 'application/json', encoding: 'utf8', body: '{}' } },
    conversation: { id: 'c1', type: 'direct' },
    sender: { kind: 'phone', value: '+16505551234' },
    recipients: [],
    direction: 'inbound',
    sentAt,
    capturedAt: sentAt,
    ...over,
  });
}
