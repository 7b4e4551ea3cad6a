import { APPROVED_ROLES, APPROVERS, KeyEmployeeId, Role, type ApiKeyRecord, type KeyGrant } from '@custody/config';
import type { ApiKeyTable, KeyGrantTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';
import { mintApiKey } from './auth';

export interface KeyRouteDeps {
  apiKeys: ApiKeyTable;
  keyGrants: KeyGrantTable;
  /** Keys configured in the environment (CUSTODY_API_KEYS): listed, never revocable through the API. */
  configuredKeys: readonly ApiKeyRecord[];
}

const KeyId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'lowercase letters, digits and dashes, 3–63 long');
const NewKey = z
  .object({
    role: Role.describe('Role of the new key'),
    id: KeyId.optional().describe('Key id, unique within the tenant (default: generated)'),
    employeeId: KeyEmployeeId.optional(),
  })
  .strict()
  .refine((k) => k.role !== 'reviewer' || k.employeeId, { message: 'a reviewer key names its employee (employeeId)', path: ['employeeId'] });
const ADMIN = ['admin'] as const;
const KeyParams = z.object({ id: z.string().describe('Key id') });
const Issued = z.object({ id: z.string(), tenant: z.string(), role: Role, token: z.string().describe('Shown once'), requestedBy: z.string().optional() });
const Pending = z.object({
  id: z.string(),
  tenant: z.string(),
  role: Role,
  status: z.literal('pending_approval'),
  approve: z.string().describe('How to approve'),
});
const KeyList = z.object({
  keys: z.array(z.object({ id: z.string(), role: Role, tenant: z.string(), employeeId: z.string().optional(), source: z.enum(['environment', 'api']) })),
  pending: z.array(z.looseObject({ id: z.string(), role: Role })),
});
const Revoked = z.object({ revoked: z.string(), status: z.literal('pending_request_withdrawn').optional() });
const needsApproval = (role: Role): role is KeyGrant['role'] => (APPROVED_ROLES as readonly Role[]).includes(role);

/**
 * API keys of a tenant. Separation of duties: an admin may ask for a `legal` or `compliance` key,
 * but only a holder of that role approves it and receives the token, so no admin can mint
 * themselves the power to release holds or read records. The first holder of such a role is
 * created on the host by the operator (`custody keys create`), never through the API.
 */
export function keyRoutes(deps: KeyRouteDeps): Route[] {
  const tenantKeys = (tenant: string) => [
    ...deps.configuredKeys.filter((k) => k.tenant === tenant).map((k) => ({ ...k, source: 'environment' as const })),
    ...deps.apiKeys
      .values()
      .filter((k) => k.tenant === tenant)
      .map((k) => ({ ...k, source: 'api' as const })),
  ];
  // ids are unique within a tenant only: whether another tenant uses an id is nobody's business here
  const idTaken = (tenant: string, id: string) => tenantKeys(tenant).some((k) => k.id === id) || Boolean(deps.keyGrants.get(`${tenant}:${id}`));
  return [
    route({
      method: 'POST',
      url: '/v1/admin/api-keys',
      summary: 'Create API keys',
      description:
        '`{role, id?, employeeId?}` → `{id, role, token}` (token shown once); for `legal`, `compliance` and `reviewer` (whose key names its employee): 202 `pending_approval`, no token, approved by a holder of the role (a reviewer’s by compliance)',
      access: { roles: ADMIN, audit: 'api_keys.create' },
      schema: { body: NewKey, response: { 201: Issued, 202: Pending } },
      invalid: { code: 'invalid_request', what: 'api key' },
      handler: async (req, p) => {
        const body = req.body;
        if (body.id && idTaken(p.tenant, body.id)) throw new RejectedInputError('conflict', `API key id ${body.id} exists`, 409);
        if (needsApproval(body.role)) {
          const { record } = mintApiKey(p.tenant, body.role, body.id);
          const grant: KeyGrant = {
            id: record.id,
            tenant: p.tenant,
            role: body.role,
            ...(body.employeeId && { employeeId: body.employeeId }),
            requestedBy: p.keyId,
            requestedAt: new Date().toISOString(),
          };
          await deps.keyGrants.put(`${p.tenant}:${grant.id}`, grant);
          return {
            ...json(202, {
              id: grant.id,
              tenant: grant.tenant,
              role: grant.role,
              status: 'pending_approval',
              approve: `POST /v1/admin/api-keys/${grant.id}/approve by a ${APPROVERS[grant.role]} key of this tenant`,
            }),
            target: grant.id,
            details: { role: grant.role, status: 'pending_approval' },
          };
        }
        const { token, record } = mintApiKey(p.tenant, body.role, body.id, body.employeeId);
        await deps.apiKeys.put(record.sha256, record);
        return { ...json(201, { id: record.id, tenant: record.tenant, role: record.role, token }), target: record.id, details: { role: record.role } };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/admin/api-keys/:id/approve',
      summary: 'Approve API keys',
      description:
        'Approves a pending key → `{id, role, token}`, the token to the approver (a key of the requested role; compliance for a reviewer), never to the admin who asked',
      access: { roles: ['legal', 'compliance'], audit: 'api_keys.approve' },
      schema: { params: KeyParams, response: { 201: Issued } },
      handler: async (req, p) => {
        const grant = deps.keyGrants.get(`${p.tenant}:${req.params.id}`);
        if (!grant) throw new NotFoundError(`no pending API key ${req.params.id}`);
        const approver = APPROVERS[grant.role];
        if (p.role !== approver) throw new RejectedInputError('forbidden', `role ${p.role} may not approve a ${grant.role} key (needs ${approver})`, 403);
        const { token, record } = mintApiKey(p.tenant, grant.role, grant.id, grant.employeeId);
        await deps.apiKeys.put(record.sha256, record);
        await deps.keyGrants.remove(`${p.tenant}:${grant.id}`);
        // the approver receives the token and hands it to its holder; the admin who asked never sees it
        return {
          ...json(201, { id: record.id, tenant: record.tenant, role: record.role, token, requestedBy: grant.requestedBy }),
          target: record.id,
          details: { role: record.role, requestedBy: grant.requestedBy },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/api-keys',
      summary: 'List API keys',
      description: '`source`: `api` or `environment`; pending requests',
      access: { roles: ADMIN, audit: 'api_keys.list' },
      schema: { response: { 200: KeyList } },
      handler: async (_req, p) => {
        const keys = tenantKeys(p.tenant).map(({ id, role, tenant, employeeId, source }) => ({ id, role, tenant, ...(employeeId && { employeeId }), source }));
        const pending = deps.keyGrants.values().filter((g) => g.tenant === p.tenant);
        return json(200, { keys, pending });
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/admin/api-keys/:id',
      summary: 'Revoke API keys',
      description: 'Not the last admin key, not keys from `CUSTODY_API_KEYS`',
      access: { roles: ADMIN, audit: 'api_keys.revoke' },
      schema: { params: KeyParams, response: { 200: Revoked } },
      handler: async (req, p) => {
        const id = req.params.id;
        const grant = deps.keyGrants.get(`${p.tenant}:${id}`);
        if (grant) {
          await deps.keyGrants.remove(`${p.tenant}:${id}`);
          return { ...json(200, { revoked: id, status: 'pending_request_withdrawn' }), target: id };
        }
        const key = tenantKeys(p.tenant).find((k) => k.id === id);
        if (!key) throw new NotFoundError(`no API key ${id}`);
        if (key.source === 'environment')
          throw new RejectedInputError(
            'configured_key',
            `API key ${id} is configured in the environment (CUSTODY_API_KEYS); the operator removes it there`,
            409,
          );
        const admins = tenantKeys(p.tenant).filter((k) => k.role === 'admin');
        if (key.role === 'admin' && admins.length === 1)
          throw new RejectedInputError('last_admin_key', `API key ${id} is the tenant's last admin key; create another admin key first`, 409);
        await deps.apiKeys.remove(key.sha256);
        return { ...json(200, { revoked: key.id }), target: key.id, details: { role: key.role } };
      },
    }),
  ];
}
