import { createHash } from 'node:crypto';
import type { ConnectorInstance } from '@custody/config';
import type { ControlTable } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import { json, type Route, audited, readBody, type AuditedDeps, requireRole } from '@custody/http';
import { z } from 'zod';

export interface AdminDeps extends AuditedDeps {
  connectors: ControlTable<ConnectorInstance>;
  /** Throws RejectedInputError when the connector type is unknown or its config invalid. */
  validateConnector(inst: ConnectorInstance): void;
}

const ConnectorBody = z.object({ connector: z.string().min(1).describe('Connector type, e.g. whatsapp-cloud'), config: z.record(z.string(), z.unknown()).describe("The connector's settings") }).strict();
const ADMIN = ['admin'] as const;

/**
 * The webhook id of a tenant's connector instance: derived from tenant and the admin's name for it,
 * so names are the tenant's own (two tenants may both call one "wa") and the public URL neither
 * collides with nor reveals another tenant's instances.
 */
export function webhookId(tenant: string, name: string): string {
  return `w${createHash('sha256').update(`${tenant}\0${name}`).digest('hex').slice(0, 24)}`;
}

/** Connectors are configured per tenant by that tenant's admins; secrets are write-only. */
export function adminRoutes(deps: AdminDeps): Route[] {
  return [
    {
      method: 'PUT',
      pattern: '/v1/admin/connectors/:id',
      handler: audited(deps, 'connectors.put', async (p, req) => {
        requireRole(p, ADMIN, 'configure connectors');
        const name = req.params.id!;
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new RejectedInputError('invalid_request', 'connector instance id: lowercase letters, digits and dashes');
        const id = webhookId(p.tenant, name);
        const existing = deps.connectors.get(id);
        const body = await readBody(req, ConnectorBody, 'connector');
        const inst: ConnectorInstance = { id, name, connector: body.connector, tenant: p.tenant, config: body.config };
        deps.validateConnector(inst);
        await deps.connectors.put(id, inst);
        return { response: json(existing ? 200 : 201, { id: name, connector: inst.connector, tenant: inst.tenant, webhookPath: `/webhooks/${id}` }), target: name, details: { connector: inst.connector, webhookId: id } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/admin/connectors',
      handler: audited(deps, 'connectors.list', async (p) => {
        requireRole(p, ADMIN, 'list connectors');
        const connectors = deps.connectors.values().filter((c) => c.tenant === p.tenant).map((c) => ({ id: c.name ?? c.id, connector: c.connector, webhookPath: `/webhooks/${c.id}`, settings: Object.keys(c.config).sort() }));
        return { response: json(200, { connectors }) };
      }),
    },
  ];
}
