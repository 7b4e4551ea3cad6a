import { createHash } from 'node:crypto';
import type { ConnectorInstance } from '@custody/config';
import { SequenceGap, connectorHealth, type ControlTable, type InstanceActivity, type SilencePolicy } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';

export interface AdminDeps {
  connectors: ControlTable<ConnectorInstance>;
  /** Throws RejectedInputError when the connector type is unknown or its config invalid. */
  validateConnector(inst: ConnectorInstance): void;
  /** Instances configured by the operator (CUSTODY_CONNECTORS): their tenant's admins read their health too. */
  configured?: readonly ConnectorInstance[];
  /** Connector activity by instance id, merged over every gateway (omitted: the health route is not served). */
  activity?: () => Map<string, InstanceActivity>;
  silence?: SilencePolicy;
  now?: () => Date;
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
const ConnectorHealthView = z.object({
  id: z.string(),
  connector: z.string(),
  lastEventAt: z.string().nullable().describe('When the instance last delivered an authentic webhook; null when never'),
  eventsLastHour: z.number().int().describe('Vendor events in the trailing 60 minutes (from hourly buckets: the previous hour pro rata)'),
  eventsPerHour: z
    .array(z.object({ hour: z.string(), events: z.number().int() }))
    .describe('The 168 hours up to now, oldest first; the last is the hour under way'),
  averagePerHour: z.number().describe('Average events an hour over the 7 days up to the last event (from its first hour seen when younger)'),
  silent: z.boolean().describe('Normally busy (averagePerHour ≥ CUSTODY_SILENCE_MIN_EVENTS_PER_HOUR) and nothing for CUSTODY_SILENCE_AFTER_MINUTES'),
  since: z.string().nullable().describe('When silent: since when (last event + CUSTODY_SILENCE_AFTER_MINUTES); else null'),
  silence: z.object({ minEventsPerHour: z.number(), afterMinutes: z.number() }),
  gaps: z.array(SequenceGap).describe("Recent jumps in the vendor's sequence numbers (Telegram update_id, WeCom archive seq), oldest first"),
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
    ...(deps.activity && deps.silence ? [healthRoute(deps, deps.activity, deps.silence)] : []),
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

function healthRoute(deps: AdminDeps, activity: () => Map<string, InstanceActivity>, silence: SilencePolicy): Route {
  return route({
    method: 'GET',
    url: '/v1/admin/connectors/:id/health',
    summary: 'Read connector health',
    description:
      "Completeness of one of the tenant's connector instances: `lastEventAt`, `eventsLastHour`, `eventsPerHour` (the last 7 days by hour), `silent` and `since` (a normally busy instance that went quiet), and `gaps` in the vendor's sequence numbers. Counts are written by the gateways at most once a minute",
    access: { roles: ADMIN, audit: 'connectors.health' },
    schema: { params: ConnectorParams, response: { 200: ConnectorHealthView } },
    handler: async (req, p) => {
      const name = req.params.id;
      // the tenant's own name for it; an instance of another tenant is as unknown as one that does not exist
      const created = deps.connectors.get(webhookId(p.tenant, name));
      const inst = created?.tenant === p.tenant ? created : deps.configured?.find((c) => c.tenant === p.tenant && c.id === name);
      if (!inst) throw new NotFoundError(`no connector ${name}`);
      const health = connectorHealth(activity().get(inst.id), deps.now?.() ?? new Date(), silence);
      return { ...json(200, { id: name, connector: inst.connector, ...health, silence }), target: name };
    },
  });
}
