import { BusAuditSink, mintApiKey } from '@custody/api';
import { topicsFor } from '@custody/bus';
import type { Config, Role } from '@custody/config';
import { controlTopicsFor, openControlPlane } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { createAdapters } from './adapters';

export interface CreatedKey {
  id: string;
  tenant: string;
  role: Role;
  token: string;
}

/**
 * `custody keys create`: the operator, on the host, creates a key of any role for a tenant — the
 * only way to create the first `legal` or `compliance` key, since through the API those need a
 * holder of the role to approve. Audited as the operator. Embedded mode needs the data directory
 * to itself (stop Custody first); on the stack it runs beside the servers, which follow the topic.
 */
export async function createKeyCommand(config: Config, logger: Logger, tenant: string, role: Role, id?: string, employeeId?: string): Promise<CreatedKey> {
  const adapters = await createAdapters(config, logger);
  try {
    const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger);
    try {
      const taken = [...config.CUSTODY_API_KEYS, ...control.apiKeys.values()].some((k) => k.tenant === tenant && k.id === id);
      if (id && taken) throw new RejectedInputError('conflict', `tenant ${tenant} already has an API key ${id}`, 409);
      const { token, record } = mintApiKey(tenant, role, id, employeeId);
      await control.apiKeys.put(record.sha256, record);
      const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
      await adapters.bus.ensureTopics([{ name: topics.audit }]);
      await new BusAuditSink(adapters.bus, topics.audit).record({
        tenant,
        actor: { keyId: 'operator', role: 'operator' },
        action: 'api_keys.create',
        outcome: 'ok',
        status: 201,
        target: record.id,
        details: { role, ...(employeeId && { employeeId }), via: 'custody keys create' },
      });
      return { id: record.id, tenant, role, token };
    } finally {
      await control.stop();
    }
  } finally {
    await adapters.close();
  }
}
