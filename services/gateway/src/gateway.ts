import type { Bus } from '@custody/bus';
import { normalizePayload, type DeliveryLimits, type NormalizedPayload, type RejectedEvent, type WebhookRequest } from '@custody/connector-kit';
import { RejectedInputError, errorMessage } from '@custody/errors';
import { isRawRef, type Envelope, type EnvelopeDraft } from '@custody/envelope';
import { resolveIdentities, type Directory } from '@custody/identity';
import { BodyTooLargeError, json, problem, publicRoute, type HttpResponse, type Limiter, type RawBody, type Route, type RouteRequest } from '@custody/http';
import { z } from 'zod';
import type { Logger } from '@custody/logger';
import { forensicSample, quarantine } from './quarantine';
import type { InstanceDirectory, ResolvedInstance } from './instances';

export interface GatewayDeps {
  bus: Bus;
  topics: { customerData: string; quarantine: string; raw: string };
  instances: InstanceDirectory;
  logger: Logger;
  limits?: DeliveryLimits;
  /** Unauthenticated rejections quarantined, per instance and per source address (CUSTODY_REJECTIONS_PER_MINUTE); past it: 429, nothing kept. */
  rejections: Limiter;
  /** The tenant's employee directory, for identity resolution before sealing. */
  directoryOf?(tenant: string): Directory;
  onAccepted?(instance: ResolvedInstance, envelopes: Envelope[]): void;
  onQuarantined?(instance: ResolvedInstance | undefined, code: string): void;
  /** A rejection that was not kept (rate limit): counted, never silent. */
  onDropped?(instance: ResolvedInstance, reason: string): void;
}

/** `instance` names the connector instance that captured the record: attachment fetching needs its credentials. */
export function envelopeMessage(env: Envelope, instance?: string) {
  const headers: Record<string, string> = { tenant: env.tenant, channel: env.channel, kind: env.kind, schema: env.schema, envelope_id: env.id };
  if (instance) headers.instance = instance;
  return { key: `${env.tenant}:${env.conversation.id}`, value: JSON.stringify(env), headers };
}

/** One delivery's bytes, archived once by SHA-256; the envelopes it produced reference them. */
export function rawDeliveryMessage(raw: Buffer, sha256: string, meta: { tenant: string; instance: string; connector: string; contentType: string; receivedAt: Date }) {
  return {
    key: `${meta.tenant}:raw:${sha256}`,
    value: raw,
    headers: { tenant: meta.tenant, sha256, content_type: meta.contentType.slice(0, 256), instance: meta.instance, connector: meta.connector, received_at: meta.receivedAt.toISOString() },
  };
}

type WebhookCall = RouteRequest<{ instance: string }, unknown, RawBody | undefined>;

const WebhookParams = z.object({ instance: z.string().describe('The webhook id of a connector instance (PUT /v1/admin/connectors answers it)') });
const Accepted = z.object({
  accepted: z.number().int().describe('Records published'),
  ids: z.array(z.string()).describe('Their record ids'),
  quarantined: z.array(z.object({ code: z.string(), reason: z.string(), path: z.string() })).optional().describe('Events of the delivery refused one by one'),
});
const VendorAnswer = {
  description: '`{accepted, ids, quarantined?}`, or what the vendor expects instead (its own acknowledgement or challenge answer)',
  content: { 'application/json': { schema: Accepted }, '*/*': { schema: z.string() } },
};
const VENDOR_PROOF = 'proven by the vendor’s signature over the exact bytes instead of an API key';

/** Vendor webhooks: the only unauthenticated routes, each proven by the vendor's signature instead. */
export function gatewayRoutes(deps: GatewayDeps): Route[] {
  return [
    publicRoute({
      method: 'GET',
      url: '/webhooks/:instance',
      summary: 'Vendor handshake',
      description: 'The GET challenge of vendors that verify a webhook URL (WhatsApp `hub.challenge`, WeCom `echostr`)',
      access: { public: VENDOR_PROOF },
      bodyKind: 'raw',
      schema: { params: WebhookParams, response: { 200: VendorAnswer } },
      handler: (req) => handshake(deps, req),
    }),
    publicRoute({
      method: 'POST',
      url: '/webhooks/:instance',
      summary: 'Vendor webhook',
      description: 'A vendor delivery, verified, normalized and durably published before it is acknowledged; rejected deliveries are quarantined (unauthenticated ones as a rate-limited forensic sample: past the limit 429)',
      access: { public: VENDOR_PROOF },
      bodyKind: 'raw',
      schema: { params: WebhookParams, response: { 200: VendorAnswer } },
      handler: (req) => receive(deps, req),
    }),
  ];
}

async function handshake(deps: GatewayDeps, req: WebhookCall): Promise<HttpResponse> {
  const inst = deps.instances.get(req.params.instance);
  if (!inst) return problem(404, 'unknown_instance', 'no such webhook');
  if (!inst.connector.handshake) return problem(405, 'no_handshake', `${inst.connector.id} has no GET handshake`);
  const r = inst.connector.handshake(toWebhookRequest(req, Buffer.alloc(0)), inst.config);
  return { status: r.status, headers: { 'content-type': r.contentType }, body: r.body };
}

async function receive(deps: GatewayDeps, req: WebhookCall): Promise<HttpResponse> {
  const inst = deps.instances.get(req.params.instance);
  if (!inst) return problem(404, 'unknown_instance', 'no such webhook');
  const receivedAt = new Date();
  // a vendor that sends no Content-Type still gets a media type on record: the connector's own
  const contentType = req.headers['content-type'] || inst.connector.contentType || 'application/octet-stream';
  const body = req.body ?? { bytes: Buffer.alloc(0), received: 0, overLimit: false };
  const raw = body.bytes;
  if (body.overLimit) {
    const err = new BodyTooLargeError(raw.length, raw, body.received);
    return rejectUnproven(deps, inst, req, err, 'size', raw, body.received, contentType, receivedAt);
  }
  let stage = 'verify';
  let result: NormalizedPayload;
  try {
    inst.connector.verify(toWebhookRequest(req, raw), inst.config);
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return rejectUnproven(deps, inst, req, err, stage, raw, raw.length, contentType, receivedAt);
  }
  try {
    stage = 'normalize';
    const directory = deps.directoryOf?.(inst.tenant);
    const enrich = directory ? (d: EnvelopeDraft) => resolveIdentities(d, directory) : undefined;
    result = normalizePayload(inst.connector, raw, contentType, { tenant: inst.tenant, receivedAt }, inst.config, enrich, deps.limits);
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return reject(deps, inst, err, stage, raw, contentType, receivedAt);
  }
  const { envelopes, rejected, rawSha256 } = result;
  // nothing usable at all: the body itself violates the vendor schema
  if (envelopes.length === 0 && rejected.length > 0) {
    const first = rejected[0]!;
    const reason = rejected.map((r) => r.reason).join('; ').slice(0, 2000);
    return reject(deps, inst, new RejectedInputError(first.code, reason), stage, raw, contentType, receivedAt);
  }
  // Acknowledge only what the bus has durably accepted; on failure the vendor redelivers. The
  // delivery's bytes go first, once, so no record is ever archived citing bytes the bus never took.
  const meta = { tenant: inst.tenant, instance: inst.id, connector: inst.connector.id, contentType, receivedAt };
  if (envelopes.some((e) => isRawRef(e.source.raw)) || rejected.length > 0) await deps.bus.publish(deps.topics.raw, [rawDeliveryMessage(raw, rawSha256, meta)]);
  await deps.bus.publish(deps.topics.customerData, envelopes.map((e) => envelopeMessage(e, inst.id)));
  for (const r of rejected) await quarantineEvent(deps, inst, r, rawSha256, contentType, receivedAt);
  deps.onAccepted?.(inst, envelopes);
  deps.logger.info({ event: 'webhook_accepted', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, records: envelopes.length, quarantined: rejected.length });
  if (rejected.length > 0) {
    return json(200, { accepted: envelopes.length, ids: envelopes.map((e) => e.id), quarantined: rejected.map(({ code, reason, path }) => ({ code, reason, path })) });
  }
  const ack = inst.connector.acknowledge?.(envelopes, inst.config);
  if (ack) return { status: ack.status, headers: { 'content-type': ack.contentType }, body: ack.body };
  return json(200, { accepted: envelopes.length, ids: envelopes.map((e) => e.id) });
}

/**
 * One bad event inside an otherwise valid delivery: the delivery's bytes are archived once (raw
 * topic); the quarantine record names them by hash and the event by its path, so a delivery of
 * thousands of bad events does not copy its body thousands of times.
 */
async function quarantineEvent(deps: GatewayDeps, inst: ResolvedInstance, r: RejectedEvent, rawSha256: string, contentType: string, receivedAt: Date): Promise<void> {
  await quarantine(deps.bus, deps.topics.quarantine, {
    raw: Buffer.from(JSON.stringify({ code: r.code, reason: r.reason, path: r.path, rawSha256 })),
    code: r.code,
    reason: `${r.path}: ${r.reason}`,
    stage: 'normalize',
    connector: inst.connector.id,
    instance: inst.id,
    tenant: inst.tenant,
    contentType,
    receivedAt,
    extra: { raw_sha256: rawSha256, path: r.path.slice(0, 1024) },
  });
  deps.onQuarantined?.(inst, r.code);
  deps.logger.warn({ event: 'webhook_event_rejected', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, code: r.code, path: r.path, reason: r.reason });
}

/** An authentic delivery the contract cannot hold: its exact bytes are kept with the reason. */
async function reject(deps: GatewayDeps, inst: ResolvedInstance, err: RejectedInputError, stage: string, raw: Buffer, contentType: string, receivedAt: Date): Promise<HttpResponse> {
  // If the quarantine write fails the error propagates as 503: the vendor retries, nothing is lost.
  await quarantine(deps.bus, deps.topics.quarantine, { raw, code: err.code, reason: err.message, stage, connector: inst.connector.id, instance: inst.id, tenant: inst.tenant, contentType, receivedAt });
  deps.onQuarantined?.(inst, err.code);
  deps.logger.warn({ event: 'webhook_rejected', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, code: err.code, stage, reason: errorMessage(err) });
  return problem(err.status, err.code, err.message);
}

/**
 * A request nobody proved authentic (bad signature, or too large to check): anyone on the internet
 * can send these, so only a forensic sample is kept, at a bounded rate per instance and per source.
 */
async function rejectUnproven(
  deps: GatewayDeps,
  inst: ResolvedInstance,
  req: WebhookCall,
  err: RejectedInputError,
  stage: string,
  body: Buffer,
  received: number,
  contentType: string,
  receivedAt: Date,
): Promise<HttpResponse> {
  const source = req.remoteAddress ?? 'unknown';
  if (!(await deps.rejections.take(`instance:${inst.id}`, `address:${source}`))) {
    deps.onDropped?.(inst, 'rate_limited');
    deps.logger.debug({ event: 'webhook_rejection_dropped', instance: inst.id, remote_address: source, code: err.code });
    return { ...problem(429, 'too_many_rejections', 'too many rejected requests; retry later'), headers: { 'retry-after': '60' } };
  }
  const sample = forensicSample(body, received, req.headers, req.remoteAddress);
  await quarantine(deps.bus, deps.topics.quarantine, { raw: sample.raw, extra: sample.extra, code: err.code, reason: err.message, stage, connector: inst.connector.id, instance: inst.id, tenant: inst.tenant, contentType, receivedAt });
  deps.onQuarantined?.(inst, err.code);
  deps.logger.warn({ event: 'webhook_rejected', instance: inst.id, connector: inst.connector.id, tenant: inst.tenant, code: err.code, stage, remote_address: source, reason: errorMessage(err) });
  return problem(err.status, err.code, err.message);
}

function toWebhookRequest(req: WebhookCall, rawBody: Buffer): WebhookRequest {
  return { method: req.method, headers: req.headers, query: req.search, rawBody, url: req.url };
}
