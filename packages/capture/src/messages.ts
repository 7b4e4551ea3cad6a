import type { Envelope } from '@custody/envelope';

/** `instance` names the connector instance that captured the record: attachment fetching needs its credentials. */
export function envelopeMessage(env: Envelope, instance?: string) {
  // connector and received_at let a consumer that dead-letters the record still count it in its day's reconciliation
  const headers: Record<string, string> = {
    tenant: env.tenant,
    channel: env.channel,
    kind: env.kind,
    schema: env.schema,
    envelope_id: env.id,
    connector: env.source.connector,
    received_at: env.source.receivedAt,
  };
  if (instance) headers.instance = instance;
  return { key: `${env.tenant}:${env.conversation.id}`, value: JSON.stringify(env), headers };
}

/** One delivery's bytes, archived once by SHA-256; the envelopes it produced reference them. */
export function rawDeliveryMessage(
  raw: Buffer,
  sha256: string,
  meta: { tenant: string; instance?: string; connector: string; contentType: string; receivedAt: Date },
) {
  const headers: Record<string, string> = {
    tenant: meta.tenant,
    sha256,
    content_type: meta.contentType.slice(0, 256),
    connector: meta.connector,
    received_at: meta.receivedAt.toISOString(),
  };
  if (meta.instance) headers.instance = meta.instance;
  return { key: `${meta.tenant}:raw:${sha256}`, value: raw, headers };
}
