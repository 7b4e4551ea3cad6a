import type { DirectoryImport, Employee, EmployeeIdentifier } from './admin-types';
import { formatCount } from './format';

/**
 * The employee directory as the admin page edits it: who the employees are and which identifiers
 * were theirs when. Effective dates are edited as UTC days; an instant that came from the API is
 * sent back unchanged while its day is not edited, so opening and saving an employee moves nothing.
 */

export const IDENTIFIER_KINDS = [
  { value: 'phone', label: 'Phone' },
  { value: 'email', label: 'Email' },
  { value: 'handle', label: 'Handle' },
] as const;

/** The API's rule for an employee id (packages/identity): it is part of the directory key. */
export const EMPLOYEE_ID = /^[\w.@-]{1,256}$/;

export interface IdentifierRow {
  /** React's key for the row: stable while rows are added and removed. */
  key: number;
  kind: EmployeeIdentifier['kind'];
  value: string;
  /** UTC day, YYYY-MM-DD, '' when open. */
  from: string;
  to: string;
  /** The instants as the API gave them, sent back while their day is unchanged. */
  fromInstant?: string;
  toInstant?: string;
}

export interface EmployeeForm {
  employeeId: string;
  name: string;
  identifiers: IdentifierRow[];
}

let nextKey = 1;
export function blankIdentifier(kind: EmployeeIdentifier['kind'] = 'phone'): IdentifierRow {
  return { key: nextKey++, kind, value: '', from: '', to: '' };
}

export function formFromEmployee(employee: Employee | null): EmployeeForm {
  if (!employee) return { employeeId: '', name: '', identifiers: [blankIdentifier()] };
  return {
    employeeId: employee.employeeId,
    name: employee.name ?? '',
    identifiers: employee.identifiers.map((i) => ({
      key: nextKey++,
      kind: i.kind,
      value: i.value,
      from: dayOf(i.from),
      to: dayOf(i.to),
      ...(i.from && { fromInstant: i.from }),
      ...(i.to && { toInstant: i.to }),
    })),
  };
}

/** An ISO instant's UTC day ('' for none or an unreadable one). */
export function dayOf(instant: string | undefined): string {
  if (!instant) return '';
  const t = Date.parse(instant);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 10);
}

/** The instant to send for a day: the API's own while the day is the same, else the day's start in UTC. */
export function instantOf(day: string, original: string | undefined): string | undefined {
  if (!day) return undefined;
  if (original && dayOf(original) === day) return original;
  return `${day}T00:00:00Z`;
}

export type EmployeeResult =
  { ok: true; employeeId: string; body: { name?: string; identifiers: EmployeeIdentifier[] } } | { ok: false; errors: Record<string, string> };

/**
 * The PUT body, or what is wrong keyed as the inputs are ('employeeId', 'identifier-<key>-value',
 * 'identifier-<key>-to'). A row left wholly empty is dropped, as if removed.
 */
export function employeeBodyFrom(form: EmployeeForm): EmployeeResult {
  const errors: Record<string, string> = {};
  const employeeId = form.employeeId.trim();
  if (!employeeId) errors.employeeId = 'Enter an employee id.';
  else if (!EMPLOYEE_ID.test(employeeId)) errors.employeeId = 'An employee id is 1–256 letters, digits, _ . @ or -.';
  const identifiers: EmployeeIdentifier[] = [];
  form.identifiers.forEach((row, index) => {
    const value = row.value.trim();
    if (!value && !row.from && !row.to) return;
    const at = `identifier ${index + 1}`;
    if (!value) errors[`identifier-${row.key}-value`] = `Enter the value of ${at}, or remove it.`;
    if (row.from && row.to && row.from >= row.to) errors[`identifier-${row.key}-to`] = `The end of ${at} must be after its start.`;
    const from = instantOf(row.from, row.fromInstant);
    const to = instantOf(row.to, row.toInstant);
    identifiers.push({ kind: row.kind, value, ...(from && { from }), ...(to && { to }) });
  });
  if (identifiers.length > 200) errors.identifiers = 'An employee has at most 200 identifiers.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const name = form.name.trim();
  return { ok: true, employeeId, body: { ...(name && { name }), identifiers } };
}

/** "2024-01-01 to 2025-03-01", "from 2024-01-01", "until 2025-03-01", "always". The end is exclusive. */
export function describeRange(from: string | undefined, to: string | undefined): string {
  const start = dayOf(from);
  const end = dayOf(to);
  if (start && end) return `${start} to ${end}`;
  if (start) return `from ${start}`;
  if (end) return `until ${end}`;
  return 'always';
}

export function kindLabel(kind: string): string {
  return IDENTIFIER_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** Employees whose id, name or any identifier contains the filter text (case-insensitive), by id. */
export function filterEmployees(employees: readonly Employee[], filter: string): Employee[] {
  const needle = filter.trim().toLowerCase();
  const match = (e: Employee) =>
    !needle || [e.employeeId, e.name ?? '', ...e.identifiers.map((i) => i.value)].some((text) => text.toLowerCase().includes(needle));
  return employees.filter(match).sort((a, b) => a.employeeId.localeCompare(b.employeeId));
}

/** The CSV the import takes: one row per identifier; an employee's rows share its id and name. */
export const CSV_HEADER = 'employeeId,name,kind,value,from,to';
export const CSV_EXAMPLE = [
  CSV_HEADER,
  'e-1001,Ana Ruiz,phone,+14155550100,2024-01-01T00:00:00Z,',
  'e-1001,Ana Ruiz,email,ana.ruiz@example.com,,',
  'e-1002,Ben Okafor,handle,@benokafor,2023-06-01T00:00:00Z,2025-03-01T00:00:00Z',
].join('\n');

/** A link target for the example: a data: URL, downloaded (never navigated to) through <a download>. */
export function csvExampleHref(): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(`${CSV_EXAMPLE}\n`)}`;
}

export function importSummary(result: DirectoryImport): string {
  const employees = `${formatCount(result.employees)} ${result.employees === 1 ? 'employee' : 'employees'}`;
  const identifiers = `${formatCount(result.identifiers)} ${result.identifiers === 1 ? 'identifier' : 'identifiers'}`;
  return `Imported ${employees} with ${identifiers}: ${formatCount(result.created)} added, ${formatCount(result.updated)} updated.`;
}
