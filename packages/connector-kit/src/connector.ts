import type { z } from 'zod';
import type { ChannelId, EnvelopeDraft } from '@custody/envelope';

/** The HTTP request as a connector sees it: the raw bytes, because signatures are computed over them. */
export interface WebhookRequest {
  method: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
  rawBody: Buffer;
  /** The public URL the vendor called (some vendors sign it). */
  url: string;
}

export interface HandshakeResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface NormalizeContext {
  tenant: string;
  receivedAt: Date;
  /** The raw payload as received, carried into every envelope's `source.raw`. */
  raw: { contentType: string; body: Buffer };
}

/**
 * One channel's integration. Adding a channel means one folder implementing this and one line in
 * the registry; the gateway, CLI and importers work with any connector through it.
 */
export interface Connector<Config = unknown, Parsed = unknown> {
  id: string;
  channel: ChannelId;
  description: string;
  configSchema: z.ZodType<Config>;
  /** Vendor subscription handshakes (e.g. WhatsApp's GET hub.challenge). Absent when the vendor has none. */
  handshake?(req: WebhookRequest, config: Config): HandshakeResponse;
  /** Proves the vendor sent the request. Throws RejectedInputError(401) otherwise. */
  verify(req: WebhookRequest, config: Config): void;
  /** Bytes → vendor types. Throws RejectedInputError(400) with a precise reason. */
  parse(raw: Buffer, contentType: string): Parsed;
  /** Vendor types → unsealed envelopes. Throws RejectedInputError for content the contract cannot hold. */
  normalize(parsed: Parsed, ctx: NormalizeContext): EnvelopeDraft[];
}

export type AnyConnector = Connector<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
