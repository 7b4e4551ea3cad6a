import type { DirectoryTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { Employee, EmployeeId, EmployeeIdentifier } from '@custody/identity';
import { z } from 'zod';
import { directoryImportRoute } from './directory-import';
import { normalizeEmployeeIdentifier } from './employee-identifier';

const EmployeeBody = z
  .object({
    name: z.string().min(1).max(512).optional().describe('Display name'),
    identifiers: z.array(EmployeeIdentifier).max(200).describe('Phones, emails and handles, each with an optional effective range'),
    manager: Employee.shape.manager,
    groups: Employee.shape.groups,
  })
  .strict();

const ADMIN = ['admin'] as const;
const EmployeeParams = z.object({ id: z.string().describe('Employee id') });
const EmployeeView = z.looseObject({
  employeeId: z.string(),
  name: z.string().optional(),
  identifiers: z.array(z.looseObject({ kind: z.string(), value: z.string() })),
});

/** The directory key of one of the tenant's employees; a malformed id is the caller's error (400), never a key. */
function employeeKey(tenant: string, raw: string | undefined): { employeeId: string; key: string } {
  const r = EmployeeId.safeParse(raw);
  if (!r.success) throw new RejectedInputError('invalid_request', `employee id: ${r.error.issues[0].message}`);
  return { employeeId: r.data, key: `${tenant}:${r.data}` };
}

/** The tenant directory: who the employees are and which identifiers were theirs when. */
export function directoryRoutes(deps: { directory: DirectoryTable }): Route[] {
  return [
    route({
      method: 'PUT',
      url: '/v1/admin/directory/:id',
      summary: 'Edit the directory',
      description:
        '`{name?, identifiers: [{kind: phone|email|handle, value, from?, to?}], manager?, groups?}`: an employee, the identifiers that were theirs when, whom they report to and their groups',
      access: { roles: ADMIN, audit: 'directory.put' },
      schema: { params: EmployeeParams, body: EmployeeBody, response: { 200: EmployeeView, 201: EmployeeView } },
      invalid: { code: 'invalid_request', what: 'employee' },
      handler: async (req, p) => {
        const { employeeId, key } = employeeKey(p.tenant, req.params.id);
        const body = req.body;
        const identifiers = body.identifiers.map(normalizeEmployeeIdentifier);
        const existed = Boolean(deps.directory.get(key));
        await deps.directory.put(key, { tenant: p.tenant, employeeId, name: body.name, identifiers, manager: body.manager, groups: body.groups });
        return { ...json(existed ? 200 : 201, { employeeId, name: body.name, identifiers }), target: employeeId, details: { identifiers: identifiers.length } };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/directory',
      summary: 'Read the directory',
      access: { roles: [...ADMIN, 'compliance', 'legal'], audit: 'directory.list' },
      schema: { response: { 200: z.object({ employees: z.array(EmployeeView) }) } },
      handler: async (_req, p) => {
        const employees = deps.directory
          .values()
          .filter((e) => e.tenant === p.tenant)
          .map(({ tenant: _t, ...e }) => e);
        return json(200, { employees });
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/admin/directory/:id',
      summary: 'Remove employees from the directory',
      access: { roles: ADMIN, audit: 'directory.delete' },
      schema: { params: EmployeeParams, response: { 200: z.object({ removed: z.string() }) } },
      handler: async (req, p) => {
        const { employeeId, key } = employeeKey(p.tenant, req.params.id);
        if (!deps.directory.get(key)) throw new NotFoundError(`no employee ${employeeId}`);
        await deps.directory.remove(key);
        return { ...json(200, { removed: employeeId }), target: employeeId };
      },
    }),
    directoryImportRoute(deps),
  ];
}
