import type { DirectoryTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, type Route, audited, readBody, type AuditedDeps, requireRole } from '@custody/http';
import { EmployeeId, EmployeeIdentifier } from '@custody/identity';
import { normalizeIdentifier } from '@custody/connector-kit';
import { z } from 'zod';

const EmployeeBody = z
  .object({
    name: z.string().min(1).max(512).optional().describe('Display name'),
    identifiers: z.array(EmployeeIdentifier).max(200).describe('Phones, emails and handles, each with an optional effective range'),
  })
  .strict();

const ADMIN = ['admin'] as const;

/** The directory key of one of the tenant's employees; a malformed id is the caller's error (400), never a key. */
function employeeKey(tenant: string, raw: string | undefined): { employeeId: string; key: string } {
  const r = EmployeeId.safeParse(raw);
  if (!r.success) throw new RejectedInputError('invalid_request', `employee id: ${r.error.issues[0]!.message}`);
  return { employeeId: r.data, key: `${tenant}:${r.data}` };
}

/** The tenant directory: who the employees are and which identifiers were theirs when. */
export function directoryRoutes(deps: AuditedDeps & { directory: DirectoryTable }): Route[] {
  return [
    {
      method: 'PUT',
      pattern: '/v1/admin/directory/:id',
      handler: audited(deps, 'directory.put', async (p, req) => {
        requireRole(p, ADMIN, 'edit the directory');
        const { employeeId, key } = employeeKey(p.tenant, req.params.id);
        const body = await readBody(req, EmployeeBody, 'employee');
        const identifiers = body.identifiers.map((i) => {
          if (i.from && i.to && Date.parse(i.from) >= Date.parse(i.to)) throw new RejectedInputError('invalid_request', `identifier ${i.value}: from must be before to`);
          return { ...i, value: i.kind === 'phone' ? normalizeIdentifier(i.value) : i.kind === 'email' ? i.value.toLowerCase() : i.value };
        });
        const existed = Boolean(deps.directory.get(key));
        await deps.directory.put(key, { tenant: p.tenant, employeeId, name: body.name, identifiers });
        return { response: json(existed ? 200 : 201, { employeeId, name: body.name, identifiers }), target: employeeId, details: { identifiers: identifiers.length } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/admin/directory',
      handler: audited(deps, 'directory.list', async (p) => {
        requireRole(p, [...ADMIN, 'compliance', 'legal'], 'read the directory');
        const employees = deps.directory.values().filter((e) => e.tenant === p.tenant).map(({ tenant: _t, ...e }) => e);
        return { response: json(200, { employees }) };
      }),
    },
    {
      method: 'DELETE',
      pattern: '/v1/admin/directory/:id',
      handler: audited(deps, 'directory.delete', async (p, req) => {
        requireRole(p, ADMIN, 'edit the directory');
        const { employeeId, key } = employeeKey(p.tenant, req.params.id);
        if (!deps.directory.get(key)) throw new NotFoundError(`no employee ${employeeId}`);
        await deps.directory.remove(key);
        return { response: json(200, { removed: employeeId }), target: employeeId };
      }),
    },
  ];
}
