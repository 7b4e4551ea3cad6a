import { createHash } from 'node:crypto';
import type { ConnectorInstance } from '@custody/config';
import type { ControlTable } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';

export interface AdminDeps {
  connectors: ControlTable<ConnectorInstance>;
  /** Throws RejectedInputError when the connector type is unknown or its config invalid. */
  validateConnector(inst: ConnectorInstance): void;
}

const ConnectorBody = z
  .object({
    connector: z.string().min(1).describe('Connector type, e.g. whatsapp-cloud'),
    config: z.record(z.string(), z.unknown()).describe("The connector's settings"),
  })
  .strict();
const ConnectorParams = z.object({ id: z.string().describe('The instance name, the tenant’s own: lowercase letters, digits and dashes') });
const ConnectorView = z.object({ id: z.string(), connector: z.string(), tenant: z.string(), webhookPath: z.string() });
const ConnectorList = z.object({
  connectors: z.array(
    z.object({ id: z.string(), connector: z.string(), webhookPath: z.string(), settings: z.array(z.string()).describe('Names only: secrets are write-only') }),
  ),
});
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
    route({
      method: 'PUT',
      url: '/v1/admin/connectors/:id',
      summary: 'Configure connectors',
      description:
        '`{connector, config}` → `{id, webhookPath}` (the webhook id is derived from tenant and name: names are the tenant’s own); secrets are write-only (never returned, never echoed in errors or audit records) and stored sealed',
      access: { roles: ADMIN, audit: 'connectors.put' },
      schema: { params: ConnectorParams, body: ConnectorBody, response: { 200: ConnectorView, 201: ConnectorView } },
      invalid: { code: 'invalid_request', what: 'connector' },
      handler: async (req, p) => {
        const name = req.params.id;
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
          throw new RejectedInputError('invalid_request', 'connector instance id: lowercase letters, digits and dashes');
        const id = webhookId(p.tenant, name);
        const existing = deps.connectors.get(id);
        const inst: ConnectorInstance = { id, name, connector: req.body.connector, tenant: p.tenant, config: req.body.config };
        deps.validateConnector(inst);
        await deps.connectors.put(id, inst);
        return {
          ...json(existing ? 200 : 201, { id: name, connector: inst.connector, tenant: inst.tenant, webhookPath: `/webhooks/${id}` }),
          target: name,
          details: { connector: inst.connector, webhookId: id },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/connectors',
      summary: 'List connectors',
      access: { roles: ADMIN, audit: 'connectors.list' },
      schema: { response: { 200: ConnectorList } },
      handler: async (_req, p) => {
        const connectors = deps.connectors
          .values()
          .filter((c) => c.tenant === p.tenant)
          .map((c) => ({ id: c.name ?? c.id, connector: c.connector, webhookPath: `/webhooks/${c.id}`, settings: Object.keys(c.config).sort() }));
        return json(200, { connectors });
      },
    }),
  ];
}
