import type { Bus } from '@custody/bus';
import { normalizePayload, type NormalizedPayload, type RejectedEvent, type WebhookRequest } from '@custody/connector-kit';
import { RejectedInputError, errorMessage } from '@custody/errors';
import type { Envelope, EnvelopeDraft } from '@custody/envelope';
import { resolveIdentities, type Directory } from '@custody/identity';
import { BodyTooLargeError, json, problem, type HttpRequest, type HttpResponse, type Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import { quarantine } from './quarantine';
import type { InstanceDirectory, ResolvedInstance } from './instances';

export interface GatewayDeps {
  bus: Bus;
  topics: { customerData: string; quarantine: string };
  instances: InstanceDirectory;
  logger: Logger;
  /** The tenant's employee directory, for identity resolution before sealing. */
  directoryOf?(tenant: string): Directory;
  onAccepted?(instance: ResolvedInstance, envelopes: Envelope[]): void;
  onQuarantined?(instance: ResolvedInstance | undefined, code: string): void;
}

/** `instance` names the connector instance that captured the record: attachment fetching needs its credentials. */
export function envelopeMessage(env: Envelope, instance?: string) {
  const headers: Record<string, string> = { tenant: env.tenant, channel: env.channel, kind: env.kind, schema: env.schema, envelope_id: env.id };
  if (instance) headers.instance = instance;
  return { key: `${env.tenant}:${env.conversation.id}`, value: JSON.stringify(env), headers };
}

/** Vendor webhooks: the only unauthenticated routes, each proven by the vendor's signature instead. */
export function gatewayRoutes(deps: GatewayDeps): Route[] {
  return [
    { method: 'GET', pattern: '/webhooks/:instance', handler: (req) => handshake(deps, req) },
    { method: 'POST', pattern: '/webhooks/:instance', handler: (req) => receive(deps, req) },
  ];
}

async function handshake(deps: GatewayDeps, req: HttpRequest): Promise<HttpResponse> {
  const inst = deps.instances.get(req.params.instance!);
  if (!inst) return problem(404, 'unknown_instance', 'no such webhook');
  if (!inst.connector.handshake) return problem(405, 'no_handshake', `${inst.connector.id} has no GET handshake`);
  const r = inst.connector.handshake(toWebhookRequest(req, Buffer.alloc(0)), inst.config);
  return { status: r.status, headers: { 'content-type': r.contentType }, body: r.body };
}

async function receive(deps: GatewayDeps, req: HttpRequest): Promise<HttpResponse> {
  const inst = deps.instances.get(req.params.instance!);
  if (!inst) return problem(404, 'unknown_instance', 'no such webhook');
  const receivedAt = new Date();
  // a vendor that sends no Content-Type still gets a media type on record: the connector's own
  const contentType = req.headers['content-type'] || inst.connector.contentType || 'application/octet-stream';
  let raw: Buffer;
  try {
    raw = await req.body();
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    return reject(deps, inst, err, 'size', err.sample, contentType, receivedAt, true);
  }
  let stage = 'verify';
  let result: NormalizedPayload;
  try {
    inst.connector.verify(toWebhookRequest(req, raw), inst.config);
    stage = 'normalize';
    const directory = deps.directoryOf?.(inst.tenant);
    const enrich = directory ? (d: EnvelopeDraft) => resolveIdentities(d, directory) : undefined;
    result = normalizePayload(inst.connector, raw, contentType, { tenant: inst.tenant, receivedAt }, inst.config, enrich);
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return reject(deps, inst, err, stage, raw, contentType, receivedAt, false);
  }
  const { envelopes, rejected } = result;
  // nothing usable at all: the body itself violates the vendor schema
  if (envelopes.length === 0 && rejected.length > 0) {
    const first = rejected[0]!;
    const reason = rejected.map((r) => r.reason).join('; ');
    return reject(deps, inst, new RejectedInputError(first.code, reason), stage, raw, contentType, receivedAt, false);
  }
  // Acknowledge only what Kafka has durably accepted; on failure the vendor redelivers.
  await deps.bus.publish(deps.topics.customerData, envelopes.map((e) => envelopeMessage(e, inst.id)));
  for (const r of rejected) await quarantineEvent(deps, inst, r, raw, contentType, receivedAt);
  deps.onAccepted?.(inst, envelopes);
  deps.logger.info({ event: 'webhook_accepted', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, records: envelopes.length, quarantined: rejected.length });
  if (rejected.length > 0) {
    return json(200, { accepted: envelopes.length, ids: envelopes.map((e) => e.id), quarantined: rejected.map(({ code, reason, path }) => ({ code, reason, path })) });
  }
  const ack = inst.connector.acknowledge?.(envelopes, inst.config);
  if (ack) return { status: ack.status, headers: { 'content-type': ack.contentType }, body: ack.body };
  return json(200, { accepted: envelopes.length, ids: envelopes.map((e) => e.id) });
}

/** One bad event inside an otherwise valid payload: the whole original body is kept with the event's path. */
async function quarantineEvent(deps: GatewayDeps, inst: ResolvedInstance, r: RejectedEvent, raw: Buffer, contentType: string, receivedAt: Date): Promise<void> {
  await quarantine(deps.bus, deps.topics.quarantine, {
    raw, code: r.code, reason: `${r.path}: ${r.reason}`, stage: 'normalize', connector: inst.connector.id, instance: inst.id, tenant: inst.tenant, contentType, receivedAt,
  });
  deps.onQuarantined?.(inst, r.code);
  deps.logger.warn({ event: 'webhook_event_rejected', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, code: r.code, path: r.path, reason: r.reason });
}

async function reject(
  deps: GatewayDeps,
  inst: ResolvedInstance,
  err: RejectedInputError,
  stage: string,
  raw: Buffer,
  contentType: string,
  receivedAt: Date,
  truncated: boolean,
): Promise<HttpResponse> {
  // If the quarantine write fails the error propagates as 503: the vendor retries, nothing is lost.
  await quarantine(deps.bus, deps.topics.quarantine, {
    raw, code: err.code, reason: err.message, stage, connector: inst.connector.id, instance: inst.id, tenant: inst.tenant, contentType, receivedAt, truncated,
  });
  deps.onQuarantined?.(inst, err.code);
  deps.logger.warn({ event: 'webhook_rejected', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, code: err.code, stage, reason: errorMessage(err) });
  return problem(err.status, err.code, err.message);
}

function toWebhookRequest(req: HttpRequest, rawBody: Buffer): WebhookRequest {
  return { method: req.method, headers: req.headers, query: req.query, rawBody, url: req.url };
}
