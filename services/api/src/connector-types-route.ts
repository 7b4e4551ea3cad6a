import { configFieldsOf, type AnyConnector } from '@custody/connector-kit';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';

/** What the route tells of a connector: its id, channel, description and config schema. */
export type ConnectorType = Pick<AnyConnector, 'id' | 'channel' | 'description' | 'configSchema'>;

const ConfigFieldView = z.object({
  name: z.string().describe('The key in `config`'),
  required: z.boolean().describe('The connector refuses a config without it'),
  secret: z.boolean().describe('Write-only: never returned by any route, so a form shows it empty (a password input) and sends it anew on every change'),
  description: z.string().optional(),
  type: z.enum(['string', 'number', 'boolean', 'enum', 'array', 'object']).describe('The JSON type of the value'),
  options: z.array(z.string()).optional().describe('The values an `enum` setting takes'),
  default: z.unknown().optional().describe('The value used when the setting is left out (never given for a secret)'),
});
const ConnectorTypes = z.object({
  types: z
    .array(
      z.object({
        connector: z.string().describe('The connector id: the `connector` of PUT /v1/admin/connectors/:id'),
        channel: z.string().describe('The channel its records carry'),
        description: z.string(),
        fields: z.array(ConfigFieldView).describe("The settings of its `config`, in the schema's order"),
      }),
    )
    .describe('Every live connector, by id'),
});

/**
 * The connectors a tenant's admin can configure and the settings each takes, from the connectors'
 * own zod schemas: the console builds its "add connector" form from this, so it cannot drift from
 * what PUT /v1/admin/connectors/:id accepts.
 */
export function connectorTypesRoute(types: readonly ConnectorType[]): Route {
  const view = [...types]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => ({ connector: c.id, channel: c.channel, description: c.description, fields: configFieldsOf(c.configSchema) ?? [] }));
  return route({
    method: 'GET',
    url: '/v1/admin/connector-types',
    summary: 'List connector types',
    description:
      '`{types: [{connector, channel, description, fields: [{name, required, secret, description?, type, options?, default?}]}]}`: every connector and its settings, from its config schema; `secret` settings are write-only',
    access: { roles: ['admin'], audit: 'connectors.types' },
    schema: { response: { 200: ConnectorTypes } },
    handler: async () => json(200, { types: view }),
  });
}
