import { EmployeeId, EmployeeIdentifier } from '@custody/identity';
import {
  CSV_EXAMPLE,
  CSV_HEADER,
  IDENTIFIER_KINDS,
  blankIdentifier,
  csvExampleHref,
  dayOf,
  describeRange,
  employeeBodyFrom,
  filterEmployees,
  formFromEmployee,
  importSummary,
  instantOf,
} from './admin-directory';
import type { Employee } from './admin-types';

const ANA: Employee = {
  employeeId: 'e-1001',
  name: 'Ana Ruiz',
  identifiers: [
    { kind: 'phone', value: '+14155550100', from: '2024-01-01T09:30:00.000Z', to: '2025-03-01T00:00:00Z' },
    { kind: 'email', value: 'ana@example.com' },
  ],
};

describe('the employee form', () => {
  it("offers exactly the API's identifier kinds", () => {
    expect(IDENTIFIER_KINDS.map((k) => k.value)).toEqual([...EmployeeIdentifier.shape.kind.options]);
  });

  it('opens an employee and saves it back unchanged, instants and all', () => {
    const form = formFromEmployee(ANA);
    expect(form.identifiers.map((r) => [r.kind, r.value, r.from, r.to])).toEqual([
      ['phone', '+14155550100', '2024-01-01', '2025-03-01'],
      ['email', 'ana@example.com', '', ''],
    ]);
    const result = employeeBodyFrom(form);
    expect(result).toEqual({ ok: true, employeeId: 'e-1001', body: { name: 'Ana Ruiz', identifiers: ANA.identifiers } });
    if (result.ok) for (const i of result.body.identifiers) expect(EmployeeIdentifier.safeParse(i).success).toBe(true);
  });

  it('sends an edited day as the start of that day in UTC', () => {
    expect(instantOf('2024-02-01', '2024-01-01T09:30:00.000Z')).toBe('2024-02-01T00:00:00Z');
    expect(instantOf('2024-01-01', '2024-01-01T09:30:00.000Z')).toBe('2024-01-01T09:30:00.000Z');
    expect(instantOf('', '2024-01-01T09:30:00.000Z')).toBeUndefined();
    expect(dayOf('2024-01-01T23:30:00-02:00')).toBe('2024-01-02');
    expect(dayOf('soon')).toBe('');
  });

  it('starts a new employee with one empty identifier row, which is dropped when left empty', () => {
    const form = formFromEmployee(null);
    expect(form.identifiers).toHaveLength(1);
    expect(employeeBodyFrom({ ...form, employeeId: ' e-2 ' })).toEqual({ ok: true, employeeId: 'e-2', body: { identifiers: [] } });
  });

  it('names what is wrong: the id, a value left out, an end before the start', () => {
    const row = { ...blankIdentifier('email'), from: '2025-01-01', to: '2024-01-01' };
    const result = employeeBodyFrom({ employeeId: 'a/b', name: '', identifiers: [row] });
    expect(result).toEqual({
      ok: false,
      errors: {
        employeeId: 'An employee id is 1–256 letters, digits, _ . @ or -.',
        [`identifier-${row.key}-value`]: 'Enter the value of identifier 1, or remove it.',
        [`identifier-${row.key}-to`]: 'The end of identifier 1 must be after its start.',
      },
    });
    expect(employeeBodyFrom({ employeeId: '', name: '', identifiers: [] })).toEqual({ ok: false, errors: { employeeId: 'Enter an employee id.' } });
  });

  it("accepts the ids the API's schema accepts", () => {
    for (const id of ['e-1', 'ana.ruiz@example.com', 'A_9']) {
      expect(EmployeeId.safeParse(id).success).toBe(true);
      expect(employeeBodyFrom({ employeeId: id, name: '', identifiers: [] }).ok).toBe(true);
    }
  });
});

describe('the directory list and import', () => {
  it('describes effective ranges, the end exclusive', () => {
    expect(describeRange('2024-01-01T00:00:00Z', '2025-03-01T00:00:00Z')).toBe('2024-01-01 to 2025-03-01');
    expect(describeRange('2024-01-01T00:00:00Z', undefined)).toBe('from 2024-01-01');
    expect(describeRange(undefined, '2025-03-01T00:00:00Z')).toBe('until 2025-03-01');
    expect(describeRange(undefined, undefined)).toBe('always');
  });

  it('filters by id, name or identifier, sorted by id', () => {
    const ben: Employee = { employeeId: 'e-0999', name: 'Ben', identifiers: [{ kind: 'handle', value: '@ben' }] };
    expect(filterEmployees([ANA, ben], '').map((e) => e.employeeId)).toEqual(['e-0999', 'e-1001']);
    expect(filterEmployees([ANA, ben], 'RUIZ').map((e) => e.employeeId)).toEqual(['e-1001']);
    expect(filterEmployees([ANA, ben], '@ben').map((e) => e.employeeId)).toEqual(['e-0999']);
  });

  it('offers an example CSV with the header the import reads, every row with its six columns', () => {
    const lines = CSV_EXAMPLE.split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.every((l) => l.split(',').length === 6)).toBe(true);
    expect(decodeURIComponent(csvExampleHref().replace(/^data:text\/csv;charset=utf-8,/, ''))).toBe(`${CSV_EXAMPLE}\n`);
  });

  it('sums an import up in one sentence', () => {
    expect(importSummary({ employees: 12, identifiers: 30, created: 10, updated: 2 })).toBe('Imported 12 employees with 30 identifiers: 10 added, 2 updated.');
    expect(importSummary({ employees: 1, identifiers: 1, created: 1, updated: 0 })).toBe('Imported 1 employee with 1 identifier: 1 added, 0 updated.');
  });
});
