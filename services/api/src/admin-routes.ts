import type { ApiKeyRecord, ConnectorInstance } from '@custody/config';
import { Role } from '@custody/config';
import type { ControlTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, type Route } from '@custody/http';
import { z } from 'zod';
import { audited, readBody, type AuditedDeps } from './audited';
import { mintApiKey, requireRole } from './auth';

export interface AdminDeps extends AuditedDeps {
  apiKeys: ControlTable<ApiKeyRecord>;
  connectors: ControlTable<ConnectorInstance>;
  /** Throws RejectedInputError when the connector type is unknown or its config invalid. */
  validateConnector(inst: ConnectorInstance): void;
}

const NewKey = z.object({ role: Role.describe('Role of the new key'), id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/).optional().describe('Key id (default: generated)') }).strict();
const ConnectorBody = z.object({ connector: z.string().min(1).describe('Connector type, e.g. whatsapp-cloud'), config: z.record(z.string(), z.unknown()).describe("The connector's settings") }).strict();
const ADMIN = ['admin'] as const;

/** Keys and connectors are configured per tenant by that tenant's admins; secrets are write-only. */
export function adminRoutes(deps: AdminDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/admin/api-keys',
      handler: audited(deps, 'api_keys.create', async (p, req) => {
        requireRole(p, ADMIN, 'create API keys');
        const body = await readBody(req, NewKey, 'api key');
        if (body.id && deps.apiKeys.values().some((k) => k.id === body.id)) throw new RejectedInputError('conflict', `API key id ${body.id} exists`, 409);
        const { token, record } = mintApiKey(p.tenant, body.role, body.id);
        await deps.apiKeys.put(record.sha256, record);
        return { response: json(201, { id: record.id, tenant: record.tenant, role: record.role, token }), target: record.id, details: { role: record.role } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/admin/api-keys',
      handler: audited(deps, 'api_keys.list', async (p) => {
        requireRole(p, ADMIN, 'list API keys');
        const keys = deps.apiKeys.values().filter((k) => k.tenant === p.tenant).map(({ id, role, tenant }) => ({ id, role, tenant }));
        return { response: json(200, { keys }) };
      }),
    },
    {
      method: 'DELETE',
      pattern: '/v1/admin/api-keys/:id',
      handler: audited(deps, 'api_keys.revoke', async (p, req) => {
        requireRole(p, ADMIN, 'revoke API keys');
        const key = deps.apiKeys.values().find((k) => k.tenant === p.tenant && k.id === req.params.id);
        if (!key) throw new NotFoundError(`no API key ${req.params.id}`);
        await deps.apiKeys.remove(key.sha256);
        return { response: json(200, { revoked: key.id }), target: key.id };
      }),
    },
    {
      method: 'PUT',
      pattern: '/v1/admin/connectors/:id',
      handler: audited(deps, 'connectors.put', async (p, req) => {
        requireRole(p, ADMIN, 'configure connectors');
        const id = req.params.id!;
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new RejectedInputError('invalid_request', 'connector instance id: lowercase letters, digits and dashes');
        const existing = deps.connectors.get(id);
        // instance ids are global (they are the webhook URL): another tenant's id is simply taken
        if (existing && existing.tenant !== p.tenant) throw new RejectedInputError('conflict', `connector instance id ${id} is taken`, 409);
        const body = await readBody(req, ConnectorBody, 'connector');
        const inst: ConnectorInstance = { id, connector: body.connector, tenant: p.tenant, config: body.config };
        deps.validateConnector(inst);
        await deps.connectors.put(id, inst);
        return { response: json(existing ? 200 : 201, { id, connector: inst.connector, tenant: inst.tenant, webhookPath: `/webhooks/${id}` }), target: id, details: { connector: inst.connector } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/admin/connectors',
      handler: audited(deps, 'connectors.list', async (p) => {
        requireRole(p, ADMIN, 'list connectors');
        const connectors = deps.connectors.values().filter((c) => c.tenant === p.tenant).map((c) => ({ id: c.id, connector: c.connector, webhookPath: `/webhooks/${c.id}`, settings: Object.keys(c.config).sort() }));
        return { response: json(200, { connectors }) };
      }),
    },
  ];
}
