import type { Bus } from '@custody/bus';
import { capture, forensicSample, quarantine, type CaptureTopics } from '@custody/capture';
import type { DeliveryLimits, RejectedEvent, WebhookRequest } from '@custody/connector-kit';
import type { ConnectorInstances, ResolvedInstance } from '@custody/connectors';
import { RejectedInputError, errorMessage } from '@custody/errors';
import type { Envelope } from '@custody/envelope';
import type { Directory } from '@custody/identity';
import { BodyTooLargeError, json, problem, publicRoute, type HttpResponse, type Limiter, type RawBody, type Route, type RouteRequest } from '@custody/http';
import type { Logger } from '@custody/logger';
import { z } from 'zod';

export interface GatewayDeps {
  bus: Bus;
  topics: CaptureTopics;
  instances: ConnectorInstances;
  logger: Logger;
  limits?: DeliveryLimits;
  /** Unauthenticated rejections quarantined, per instance and per source address (CUSTODY_REJECTIONS_PER_MINUTE); past it: 429, nothing kept. */
  rejections: Limiter;
  /** The tenant's employee directory, for identity resolution before sealing. */
  directoryOf?(tenant: string): Directory;
  onAccepted?(instance: ResolvedInstance, envelopes: Envelope[]): void;
  /**
   * An authentic delivery taken: its vendor events (records and events refused one by one, or 1 for a
   * delivery refused whole, flagged `refusedWhole`), how many of them were quarantined, and the
   * vendor's sequence numbers, for completeness and reconciliation.
   */
  onDelivery?(
    instance: ResolvedInstance,
    delivery: { events: number; quarantined: number; sequences: number[]; receivedAt: Date; refusedWhole?: boolean },
  ): void;
  onQuarantined?(instance: ResolvedInstance | undefined, code: string): void;
  /** A rejection that was not kept (rate limit): counted, never silent. */
  onDropped?(instance: ResolvedInstance, reason: string): void;
}

type WebhookCall = RouteRequest<{ instance: string }, unknown, RawBody | undefined>;

const WebhookParams = z.object({ instance: z.string().describe('The webhook id of a connector instance (PUT /v1/admin/connectors answers it)') });
const Accepted = z.object({
  accepted: z.number().int().describe('Records published'),
  ids: z.array(z.string()).describe('Their record ids'),
  quarantined: z
    .array(z.object({ code: z.string(), reason: z.string(), path: z.string() }))
    .optional()
    .describe('Events of the delivery refused one by one'),
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
      description:
        'A vendor delivery, verified, normalized and durably published before it is acknowledged; rejected deliveries are quarantined (unauthenticated ones as a rate-limited forensic sample: past the limit 429)',
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
  try {
    inst.connector.verify(toWebhookRequest(req, raw), inst.config);
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return rejectUnproven(deps, inst, req, err, 'verify', raw, raw.length, contentType, receivedAt);
  }
  const onQuarantined = (r: RejectedEvent) => {
    deps.onQuarantined?.(inst, r.code);
    deps.logger.warn({
      event: 'webhook_event_rejected',
      instance: inst.id,
      connector: inst.connector.id,
      tenant: inst.tenant,
      code: r.code,
      path: r.path,
      reason: r.reason,
    });
  };
  const delivery = { connector: inst.connector, config: inst.config, raw, contentType, tenant: inst.tenant, instance: inst.id, receivedAt };
  const outcome = await capture(deps, delivery, { directory: deps.directoryOf?.(inst.tenant), limits: deps.limits, onQuarantined });
  if ('refused' in outcome) {
    deps.onDelivery?.(inst, { events: 1, quarantined: 1, sequences: [], receivedAt, refusedWhole: true });
    return answerRejected(deps, inst, outcome.refused, 'normalize');
  }
  // acknowledged only now: the bus has durably accepted the records; on failure the vendor redelivers
  const { accepted: envelopes, quarantined: rejected, sequences } = outcome;
  deps.onAccepted?.(inst, envelopes);
  deps.onDelivery?.(inst, { events: envelopes.length + rejected.length, quarantined: rejected.length, sequences, receivedAt });
  deps.logger.info({
    event: 'webhook_accepted',
    instance: inst.id,
    connector: inst.connector.id,
    tenant: inst.tenant,
    records: envelopes.length,
    quarantined: rejected.length,
  });
  if (rejected.length > 0) {
    return json(200, {
      accepted: envelopes.length,
      ids: envelopes.map((e) => e.id),
      quarantined: rejected.map(({ code, reason, path }) => ({ code, reason, path })),
    });
  }
  const ack = inst.connector.acknowledge?.(envelopes, inst.config);
  if (ack) return { status: ack.status, headers: { 'content-type': ack.contentType }, body: ack.body };
  return json(200, { accepted: envelopes.length, ids: envelopes.map((e) => e.id) });
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
  await quarantine(deps.bus, deps.topics.quarantine, {
    raw: sample.raw,
    extra: sample.extra,
    code: err.code,
    reason: err.message,
    stage,
    connector: inst.connector.id,
    instance: inst.id,
    tenant: inst.tenant,
    contentType,
    receivedAt,
  });
  return answerRejected(deps, inst, err, stage, { remote_address: source });
}

/** A delivery refused and quarantined: counted, logged once, answered with its 4xx. */
function answerRejected(deps: GatewayDeps, inst: ResolvedInstance, err: RejectedInputError, stage: string, more: Record<string, string> = {}): HttpResponse {
  deps.onQuarantined?.(inst, err.code);
  deps.logger.warn({
    event: 'webhook_rejected',
    instance: inst.id,
    connector: inst.connector.id,
    tenant: inst.tenant,
    code: err.code,
    stage,
    ...more,
    reason: errorMessage(err),
  });
  return problem(err.status, err.code, err.message);
}

function toWebhookRequest(req: WebhookCall, rawBody: Buffer): WebhookRequest {
  return { method: req.method, headers: req.headers, query: req.search, rawBody, url: req.url };
}
