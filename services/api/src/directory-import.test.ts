import { RejectedInputError } from '@custody/errors';
import { MAX_DIRECTORY_ROWS, readDirectoryCsv } from './directory-import';

const HEADER = 'employeeId,name,kind,value,from,to';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n');
const refusal = (text: string): RejectedInputError => {
  try {
    readDirectoryCsv(text);
  } catch (err) {
    if (err instanceof RejectedInputError) return err;
    throw err;
  }
  throw new Error('read without a refusal');
};

describe('readDirectoryCsv', () => {
  test('rows are grouped by employee, identifiers normalized as PUT /v1/admin/directory/:id does, dates bound whole UTC days', () => {
    const employees = readDirectoryCsv(
      csv(
        'emp-1,Ann Archer,phone,+1 (650) 555-0101,,',
        'emp-2,,email,Bob@Example.COM,2024-01-01,2024-06-30',
        'emp-1,,handle,@ann,2024-03-01T09:00:00+01:00,',
        ' emp-3 , Cy ,,,,',
      ),
    );
    expect(Object.fromEntries(employees)).toEqual({
      'emp-1': {
        name: 'Ann Archer',
        namedOn: 2,
        identifiers: [
          { kind: 'phone', value: '+16505550101' },
          { kind: 'handle', value: '@ann', from: '2024-03-01T09:00:00+01:00' },
        ],
      },
      'emp-2': { identifiers: [{ kind: 'email', value: 'bob@example.com', from: '2024-01-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' }] },
      'emp-3': { name: 'Cy', namedOn: 5, identifiers: [] },
    });
  });

  test('formula-like cells are data like any other: kept as text', () => {
    const employees = readDirectoryCsv(csv('emp-1,"=HYPERLINK(""http://x"")",handle,=cmd|\' /C calc\'!A0,,', 'emp-2,@SUM(1),handle,+cmd,,'));
    expect(employees.get('emp-1')).toEqual({ name: '=HYPERLINK("http://x")', namedOn: 2, identifiers: [{ kind: 'handle', value: "=cmd|' /C calc'!A0" }] });
    expect(employees.get('emp-2')!.identifiers).toEqual([{ kind: 'handle', value: '+cmd' }]);
  });

  test('every bad row is named with its line and what is wrong, and nothing is read', () => {
    const err = refusal(
      csv(
        'emp-1,Ann,phone,+16505550101,,',
        'emp 2,,phone,+16505550102,,',
        'emp-3,,fax,123,,',
        'emp-4,,email,,,',
        'emp-5,,email,e@x.com,2024-02-30,',
        'emp-6,,email,f@x.com,2024-06-01,2024-01-01',
        'emp-1,Anne,phone,+16505550103,,',
        'emp-7,,,,2024-01-01,',
        'emp-8,too,few',
        '"emp-9",,handle,"a ""quoted"" handle",,',
      ),
    );
    expect(err.code).toBe('invalid_csv');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      'directory CSV: 8 problem(s), nothing was imported: ' +
        [
          'line 3: employeeId: an employee id: 1–256 letters, digits, _ . @ -',
          'line 4: kind: Invalid option: expected one of "phone"|"email"|"handle"',
          'line 5: value: Too small: expected string to have >=1 characters',
          'line 6: from: Invalid ISO datetime',
          'line 7: email "f@x.com": from must be before to',
          'line 8: employee "emp-1" is named differently on line 2',
          'line 9: from and to need an identifier (kind and value)',
          'line 10: expected 6 fields, found 3',
        ].join('; '),
    );
  });

  test('at most 20 problems are listed, the rest counted', () => {
    const err = refusal(csv(...Array.from({ length: 25 }, (_, i) => `emp-${i},,fax,1,,`)));
    expect(err.message).toMatch(/^directory CSV: 25 problem\(s\), nothing was imported: line 2: kind: .*; line 21: kind: [^;]*; and 5 more$/);
    expect(err.message.match(/line \d+:/g)).toHaveLength(20);
  });

  test('more than 200 identifiers for one employee, as PUT refuses', () => {
    expect(refusal(csv(...Array.from({ length: 201 }, (_, i) => `emp-1,,handle,h${i},,`))).message).toMatch(
      /line 202: employee "emp-1" has more than 200 identifiers$/,
    );
  });

  test('the file itself: empty, a wrong header, broken quoting, too many rows', () => {
    expect(refusal('').message).toBe('directory CSV: the file is empty; expected the header row employeeId,name,kind,value,from,to');
    expect(refusal('id,name,kind,value\r\nemp-1,,phone,1,,').message).toBe('directory CSV: line 1: the header row must be employeeId,name,kind,value,from,to');
    // the header's case and surrounding spaces do not matter
    expect(readDirectoryCsv('EmployeeID, Name ,KIND,value,From,TO\nemp-1,,handle,h,,').get('emp-1')).toBeDefined();
    expect(refusal(csv('emp-1,"Ann,phone,1,,', 'emp-2,,phone,2,,'))).toMatchObject({
      code: 'invalid_csv',
      message: 'directory CSV: line 2: field 2 opens a quote that is never closed',
    });
    const huge = `${HEADER}\n${'emp-1,,handle,h,,\n'.repeat(MAX_DIRECTORY_ROWS + 1)}`;
    expect(refusal(huge)).toMatchObject({ code: 'too_many_rows', status: 413 });
    expect(readDirectoryCsv(`${HEADER}\n${'emp-1,,handle,h,,\n'.repeat(200)}`).get('emp-1')!.identifiers).toHaveLength(200);
  });
});
