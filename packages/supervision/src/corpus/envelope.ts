import { sealEnvelope, type Envelope, type Participant } from '@custody/envelope';
import type { CorpusChannel } from './types';

/** The connector that captures each channel in a deployment (packages/connectors). */
const CONNECTORS: Readonly<Record<CorpusChannel, string>> = {
  whatsapp: 'whatsapp-cloud',
  wecom: 'wecom-archive',
  signal: 'signal',
  telegram: 'telegram-bot',
  line: 'line',
  sms: 'twilio-sms',
  email: 'email',
};

const CORPUS_TENANT = 'corpus';
const CORPUS_START = Date.UTC(2025, 0, 6, 8, 0, 0);

/** How each channel names a person: E.164 numbers for the phone-based apps, handles for the others. */
function participant(channel: CorpusChannel, n: number, employeeId?: string): Participant {
  const p: Participant =
    channel === 'email'
      ? { kind: 'email', value: employeeId ? `advisor${n}@firm.example` : `client${n}@mail.example` }
      : channel === 'wecom' || channel === 'line' || channel === 'telegram'
        ? { kind: 'handle', value: employeeId ? `advisor-${n}` : `client-${n}` }
        : { kind: 'phone', value: `+1555${String(employeeId ? 1_000_000 + n : 2_000_000 + n).padStart(7, '0')}` };
  return employeeId ? { ...p, employeeId } : p;
}

export interface CorpusEnvelopeInput {
  id: string;
  index: number;
  channel: CorpusChannel;
  direction: 'inbound' | 'outbound';
  text: string;
  subject?: string;
  /** Which of a few advisors and a few hundred clients take part (drawn by the generator). */
  advisor: number;
  client: number;
}

/** A sealed record of one corpus message, between an advisor (an employee) and a client; its id is derived from the message id. */
export function corpusEnvelope(m: CorpusEnvelopeInput): Envelope {
  const advisor = participant(m.channel, m.advisor, `emp-${m.advisor}`);
  const client = participant(m.channel, m.client);
  const sentAt = new Date(CORPUS_START + m.index * 53_000).toISOString();
  return sealEnvelope({
    tenant: CORPUS_TENANT,
    kind: 'message',
    channel: m.channel,
    source: {
      connector: CONNECTORS[m.channel],
      externalId: m.id,
      receivedAt: sentAt,
      raw: { contentType: 'text/plain', encoding: 'utf8', body: m.text },
    },
    conversation: { id: `${m.channel}:${m.advisor}:${m.client}`, type: 'direct' },
    sender: m.direction === 'outbound' ? advisor : client,
    recipients: [m.direction === 'outbound' ? client : advisor],
    direction: m.direction,
    sentAt,
    capturedAt: sentAt,
    content: { text: m.text, ...(m.subject !== undefined && { subject: m.subject }) },
  });
}
