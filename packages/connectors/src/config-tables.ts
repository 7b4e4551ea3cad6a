import { configFieldsOf } from '@custody/connector-kit';
import { connectorIds, getConnector } from './registry';

/**
 * The settings of every connector (the `config` of `PUT /v1/admin/connectors/:name` and of
 * `CUSTODY_CONNECTORS`), as Markdown for the README: one table per connector, generated from its
 * zod configSchema like the configuration table, so the README cannot drift from what is accepted.
 */
export function connectorConfigTables(): string {
  return connectorIds()
    .map((id) => {
      const rows = (configFieldsOf(getConnector(id).configSchema) ?? []).map(
        (f) => `| \`${f.name}\` | ${f.required ? 'required' : 'optional'}${f.secret ? ', secret' : ''} | ${f.description ?? ''} |`,
      );
      return [`#### \`${id}\``, '', '| setting | | meaning |', '|---|---|---|', ...rows].join('\n');
    })
    .join('\n\n');
}
