import type { ConnectorInstance } from '@custody/config';
import type { ControlTable } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import { json, type Route } from '@custody/http';
import { z } from 'zod';
import { audited, readBody, type AuditedDeps } from './audited';
import { requireRole } from './auth';

export interface AdminDeps extends AuditedDeps {
  connectors: ControlTable<ConnectorInstance>;
  /** Throws RejectedInputError when the connector type is unknown or its config invalid. */
  validateConnector(inst: ConnectorInstance): void;
}

const ConnectorBody = z.object({ connector: z.string().min(1).describe('Connector type, e.g. whatsapp-cloud'), config: z.record(z.string(), z.unknown()).describe("The connector's settings") }).strict();
const ADMIN = ['admin'] as const;

/** Connectors are configured per tenant by that tenant's admins; secrets are write-only. */
export function adminRoutes(deps: AdminDeps): Route[] {
  return [
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
