import { csvCell, csvTable } from './csv';

describe('CSV cells from tenant-supplied values', () => {
  test.each([
    '=HYPERLINK("http://x")',
    '+1+1',
    '-2+3',
    '@SUM(A1)',
    ' =1+1',
    '\u00a0=1+1',
    '\r=1+1',
    '\n@x',
    '\t=x',
    '\u200b=x',
    '\ufeff+x',
    '＝1+1',
    '  \u00a0 -x',
  ])('%j is neutralized', (v) => {
    const out = csvCell(v);
    const unquoted = out.startsWith('"') ? out.slice(1, -1).replace(/""/g, '"') : out;
    expect(unquoted.startsWith("'")).toBe(true);
    expect(unquoted.slice(1)).toBe(v);
  });
  test.each(['Acme matter', 'a=b', '2024-01-01', 'user@example.com', ''])('%j is kept as is', (v) => {
    expect(csvCell(v)).toBe(v);
  });
  test('quotes, commas and line breaks are quoted per RFC 4180', () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });
});

test('csvTable neutralizes every cell, header included, and ends lines with CRLF', () => {
  expect(
    csvTable<{ name: string; n: number }>(
      ['name', 'n'],
      [
        { name: '=cmd|" /C calc"!A0', n: 1 },
        { name: 'Ann, B', n: -2 },
      ],
    ),
  ).toBe(`name,n\r\n"'=cmd|"" /C calc""!A0",1\r\n"Ann, B",'-2\r\n`);
});
