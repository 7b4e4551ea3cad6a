import { sealEnvelope } from '@custody/envelope';
import { toIndexDoc } from './document';

describe('toIndexDoc', () => {
  test('keeps the attachments’ and a recording’s file names for the hit; captions or names stay searchable in text', () => {
    const env = sealEnvelope({
      tenant: 'acme',
      kind: 'message',
      channel: 'whatsapp',
      source: {
        connector: 'whatsapp-cloud',
        externalId: 'w.1',
        receivedAt: '2025-01-01T00:00:00.000Z',
        raw: { contentType: 'application/json', encoding: 'utf8', body: '{}' },
      },
      conversation: { id: 'c1', type: 'direct' },
      sender: { kind: 'phone', value: '+16505551234' },
      recipients: [],
      direction: 'inbound',
      sentAt: '2025-01-01T00:00:00.000Z',
      capturedAt: '2025-01-01T00:00:01.000Z',
      attachments: [
        { id: 'm1', kind: 'document', fileName: 'term-sheet.pdf', caption: 'signed' },
        { id: 'm2', kind: 'image' },
        { id: 'm3', kind: 'document', fileName: 'kyc.docx' },
      ],
    });
    const doc = toIndexDoc(env, { key: 'k', versionId: 'v', sha256: 'a'.repeat(64) });
    expect(doc.attachmentNames).toEqual(['term-sheet.pdf', 'kyc.docx']);
    expect(doc.text).toBe('signed\nkyc.docx');
    expect(doc.attachmentCount).toBe(3);
  });
});
