import { testEnvelope } from '@custody/testing';
import { toIndexDoc } from './document';

describe('toIndexDoc', () => {
  test('keeps the attachments’ and a recording’s file names for the hit; captions or names stay searchable in text', () => {
    const env = testEnvelope('w.1', {
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
