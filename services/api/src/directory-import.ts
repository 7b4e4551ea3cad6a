import type { DirectoryTable } from '@custody/control';
import { CustodyError, RejectedInputError } from '@custody/errors';
import { CsvError, json, readCsv, route, type Route } from '@custody/http';
import { Employee, EmployeeId, EmployeeIdentifier } from '@custody/identity';
import { z } from 'zod';
import { normalizeEmployeeIdentifier } from './employee-identifier';

export const DIRECTORY_CSV_COLUMNS = ['employeeId', 'name', 'kind', 'value', 'from', 'to'] as const;
/** Rows of one file, header excluded: a directory far larger than any firm's is split. */
export const MAX_DIRECTORY_ROWS = 50_000;
/** Problems named in a refusal; the rest are counted. */
const LISTED = 20;
/** As PUT /v1/admin/directory/:id. */
const MAX_IDENTIFIERS = 200;
const MAX_NAME = 512;

/** One employee of the file: the name it gives (if any row does) and every identifier its rows list. */
export interface ImportedEmployee {
  name?: string;
  /** The line the name was first given on, to point at a row that names them differently. */
  namedOn?: number;
  identifiers: EmployeeIdentifier[];
}

/** A date alone bounds whole UTC days, as in search: `from` its start, `to` the start of the next day (that day included). */
function instant(v: string, bound: 'from' | 'to'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const day = new Date(`${v}T00:00:00.000Z`);
  // 2024-02-30 would roll over to March: not a date, left for the schema to refuse
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== v) return v;
  if (bound === 'to') day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString();
}

const quoted = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/**
 * The employees of a directory CSV, every row checked before anything is written: a file with any
 * bad row is refused whole (400 invalid_csv) naming the lines and what is wrong with each, so it can
 * be fixed in one go. Identifiers are normalized as PUT /v1/admin/directory/:id does.
 */
export function readDirectoryCsv(text: string): Map<string, ImportedEmployee> {
  let records;
  try {
    records = readCsv(text, MAX_DIRECTORY_ROWS + 1);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (err.kind === 'too_many_records')
      throw new RejectedInputError(
        'too_many_rows',
        `directory CSV: more than ${MAX_DIRECTORY_ROWS} rows; split the file (employees not in a file are left as they are)`,
        413,
      );
    throw new RejectedInputError('invalid_csv', `directory CSV: ${err.message}`);
  }
  const header = records.shift();
  const expected = DIRECTORY_CSV_COLUMNS.join(',');
  if (!header) throw new RejectedInputError('invalid_csv', `directory CSV: the file is empty; expected the header row ${expected}`);
  if (header.fields.map((f) => f.trim().toLowerCase()).join(',') !== expected.toLowerCase())
    throw new RejectedInputError('invalid_csv', `directory CSV: line ${header.line}: the header row must be ${expected}`);

  const employees = new Map<string, ImportedEmployee>();
  const problems: string[] = [];
  for (const { line, fields } of records) {
    const problem = (what: string) => problems.push(`line ${line}: ${what}`);
    if (fields.length !== DIRECTORY_CSV_COLUMNS.length) {
      problem(`expected ${DIRECTORY_CSV_COLUMNS.length} fields, found ${fields.length}`);
      continue;
    }
    // whitespace around a cell is never part of an id, name, kind or date
    const [employeeId, name, kind, value, from, to] = fields.map((f) => f.trim());
    const id = EmployeeId.safeParse(employeeId);
    if (!id.success) problem(`employeeId: ${id.error.issues[0].message}`);
    if (name.length > MAX_NAME) problem(`name: longer than ${MAX_NAME} characters`);
    let identifier: EmployeeIdentifier | undefined;
    if (kind === '' && value === '') {
      // an employee listed without an identifier: they keep none
      if (from !== '' || to !== '') problem('from and to need an identifier (kind and value)');
    } else {
      const r = EmployeeIdentifier.safeParse({
        kind: kind.toLowerCase(),
        value,
        ...(from !== '' && { from: instant(from, 'from') }),
        ...(to !== '' && { to: instant(to, 'to') }),
      });
      if (!r.success) for (const issue of r.error.issues) problem(`${issue.path.join('.')}: ${issue.message}`);
      else
        try {
          identifier = normalizeEmployeeIdentifier(r.data);
        } catch (err) {
          if (!(err instanceof CustodyError)) throw err;
          problem(`${kind} ${quoted(value)}: from must be before to`);
        }
    }
    if (!id.success) continue;
    const employee = employees.get(id.data) ?? { identifiers: [] };
    employees.set(id.data, employee);
    if (name !== '') {
      if (employee.name === undefined) Object.assign(employee, { name, namedOn: line });
      else if (employee.name !== name) problem(`employee ${quoted(id.data)} is named differently on line ${employee.namedOn}`);
    }
    if (identifier) {
      employee.identifiers.push(identifier);
      if (employee.identifiers.length === MAX_IDENTIFIERS + 1) problem(`employee ${quoted(id.data)} has more than ${MAX_IDENTIFIERS} identifiers`);
    }
  }
  if (problems.length > 0) {
    const more = problems.length > LISTED ? `; and ${problems.length - LISTED} more` : '';
    throw new RejectedInputError(
      'invalid_csv',
      `directory CSV: ${problems.length} problem(s), nothing was imported: ${problems.slice(0, LISTED).join('; ')}${more}`,
    );
  }
  return employees;
}

const ImportResult = z.object({
  employees: z.number().int().describe('Employees in the file'),
  identifiers: z.number().int().describe('Identifiers in the file'),
  created: z.number().int().describe('Employees the directory did not have'),
  updated: z.number().int().describe('Employees whose identifiers or name changed'),
  unchanged: z.number().int().describe('Employees the file lists exactly as the directory has them (not written again)'),
});

/** Many employees at once from a CSV file (an HR export): each employee in it gets exactly the identifiers it lists. */
export function directoryImportRoute(deps: { directory: DirectoryTable }): Route {
  return route({
    method: 'POST',
    url: '/v1/admin/directory/import',
    summary: 'Import the directory',
    description: `A CSV file (content-type: text/csv, UTF-8, RFC 4180), header row \`${DIRECTORY_CSV_COLUMNS.join(',')}\`, one row per identifier (kind phone|email|handle; from/to optional ISO 8601 instants, or dates: \`from\` the start of that UTC day, \`to\` the end of it; a row with empty kind and value lists an employee with no identifier). Each employee in the file gets exactly the identifiers its rows list, normalized as by PUT /v1/admin/directory/:id; an empty name keeps the name the directory has; employees not in the file are left as they are. Every row is checked first: a file with a bad row is refused whole, 400 invalid_csv naming the lines; more than ${MAX_DIRECTORY_ROWS} rows is 413. → \`{employees, identifiers, created, updated, unchanged}\``,
    access: { roles: ['admin'], audit: 'directory.import' },
    bodyKind: 'csv',
    schema: {
      body: z.string().describe(`The CSV file: header ${DIRECTORY_CSV_COLUMNS.join(',')}, then one row per identifier`),
      response: { 200: ImportResult },
    },
    invalid: { code: 'invalid_csv', what: 'directory CSV' },
    handler: async (req, p) => {
      const employees = readDirectoryCsv(req.body);
      const writes: Array<[string, Employee]> = [];
      let created = 0;
      let updated = 0;
      for (const [employeeId, e] of employees) {
        const key = `${p.tenant}:${employeeId}`;
        const had = deps.directory.get(key);
        const next = Employee.parse({
          tenant: p.tenant,
          employeeId,
          name: e.name ?? had?.name,
          identifiers: e.identifiers,
          manager: had?.manager,
          groups: had?.groups,
        });
        if (had && JSON.stringify(had) === JSON.stringify(next)) continue;
        writes.push([key, next]);
        if (had) updated++;
        else created++;
      }
      await deps.directory.putAll(writes);
      const counts = {
        employees: employees.size,
        identifiers: [...employees.values()].reduce((n, e) => n + e.identifiers.length, 0),
        created,
        updated,
        unchanged: employees.size - created - updated,
      };
      // counts only: the file's names and numbers are in the directory, not in the audit trail
      return { ...json(200, counts), details: counts };
    },
  });
}
