import type { ProducedDocument } from './ledger';
import { DAT_BOM, LOAD_FILE_COLUMNS, csvDocumentRow, datDocumentRow, datRow } from './loadfile';
import { conversationFolder } from './paths';

const doc: ProducedDocument = {
  path: 'rsmf/x/2025-01-01.rsmf',
  format: 'rsmf',
  size: 10,
  sha256: 'a'.repeat(64),
  begin: 'ACME-00000001',
  end: 'ACME-00000001',
  conversationId: '=HYPERLINK("http://evil")',
  channel: 'whatsapp',
  custodians: ['e-1', 'e-2'],
  participants: ['+15550001111', 'bob@client.example'],
  beginTime: '2025-01-01T10:00:00.000Z',
  endTime: '2025-01-01T11:00:00.000Z',
  records: ['r1', 'r2'],
};

describe('load files', () => {
  test('CSV: one RFC 4180 row per document; vendor-supplied values never run as formulas', () => {
    const row = csvDocumentRow(doc);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).toContain("'+15550001111; bob@client.example");
    expect(row).toContain('r1; r2');
  });

  test('DAT: þ-quoted fields separated by ¶ (character 20); a delimiter or line break inside a value cannot break the row', () => {
    const row = datRow(['a\u00feb', 'c\u0014d', 'line\r\nbreak']);
    expect(row).toBe('\u00fea b\u00fe\u0014\u00fec d\u00fe\u0014\u00feline\u00aebreak\u00fe\r\n');
    const fields = datDocumentRow(doc).replace(/\r\n$/, '').split('\u0014');
    expect(fields).toHaveLength(LOAD_FILE_COLUMNS.length);
    expect(fields[9]).toBe('\u00fersmf/x/2025-01-01.rsmf\u00fe');
    expect(DAT_BOM).toBe('\ufeff');
  });
});

describe('conversationFolder', () => {
  test('a vendor conversation id becomes one safe path segment, distinct for ids that sanitize alike', () => {
    const a = conversationFolder('../../etc/passwd');
    const b = conversationFolder('.._.._etc_passwd');
    expect(a).toMatch(/^[A-Za-z0-9@+._-]+$/);
    expect(a).not.toContain('/');
    expect(a.startsWith('.')).toBe(false);
    expect(a).not.toBe(b);
    expect(conversationFolder('whatsapp:106540352242922:16505551234')).toMatch(/^whatsapp_106540352242922_16505551234-[0-9a-f]{12}$/);
    expect(conversationFolder('x'.repeat(5000)).length).toBeLessThanOrEqual(73);
  });
});
