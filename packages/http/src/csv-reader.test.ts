import { csvTable } from './csv';
import { CsvError, readCsv } from './csv-reader';

const fieldsOf = (text: string, max = 100) => readCsv(text, max).map((r) => r.fields);
const failure = (text: string, max = 100): CsvError => {
  try {
    readCsv(text, max);
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error('read without an error');
};

describe('readCsv', () => {
  test('plain and quoted fields, CRLF or LF, with or without a final line end', () => {
    expect(fieldsOf('a,b,c\r\n1,2,3\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(fieldsOf('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fieldsOf('"a, b","say ""hi""",""\n')).toEqual([['a, b', 'say "hi"', '']]);
    expect(fieldsOf('a,,\n,b,')).toEqual([
      ['a', '', ''],
      ['', 'b', ''],
    ]);
  });

  test('a quoted field may span lines; each record names the line it starts on', () => {
    const records = readCsv('h1,h2\r\n"two\r\nlines",x\r\n\r\nlast,y\n', 10);
    expect(records).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['two\r\nlines', 'x'] },
      { line: 5, fields: ['last', 'y'] },
    ]);
  });

  test('a byte order mark is skipped, empty lines hold no record, formulas stay text', () => {
    expect(fieldsOf('\ufeffa,b\n\n\n"=cmd|""/c calc""!A1",+1\n')).toEqual([
      ['a', 'b'],
      ['=cmd|"/c calc"!A1', '+1'],
    ]);
  });

  test('what a lenient reader would guess about is refused with its line', () => {
    expect(failure('a,b\nx,say "hi"\n')).toMatchObject({
      kind: 'syntax',
      line: 2,
      message: 'line 2: field 2 has a quote but is not quoted (quote the whole field and double the quote)',
    });
    expect(failure('a\n"closed" then more,b\n')).toMatchObject({
      line: 2,
      message: 'line 2: field 1 has text after its closing quote (double a quote inside a quoted field)',
    });
    expect(failure('a,b\n1,"never\nclosed\n')).toMatchObject({ line: 2, message: 'line 2: field 2 opens a quote that is never closed' });
    expect(failure('a,b\r1,2')).toMatchObject({ line: 1, message: 'line 1: a carriage return not followed by a line feed' });
  });

  test('more records than allowed stop the reading at the first one too many', () => {
    expect(readCsv('a\nb\nc\n', 3)).toHaveLength(3);
    expect(failure('a\nb\nc\nd\n', 3)).toMatchObject({ kind: 'too_many_records', line: 4, message: 'more than 3 records' });
  });

  test('reads back exactly what csvTable writes', () => {
    const rows = [
      { name: 'O\'Brien, "Pat"', note: 'two\nlines' },
      { name: '=SUM(A1)', note: '' },
    ];
    expect(fieldsOf(csvTable<(typeof rows)[number]>(['name', 'note'], rows))).toEqual([
      ['name', 'note'],
      ['O\'Brien, "Pat"', 'two\nlines'],
      // csvTable keeps a formula from running by prefixing it; the reader keeps what it is given
      ["'=SUM(A1)", ''],
    ]);
  });
});
