import type { z } from 'zod';
import type { Readable } from 'node:stream';
import type { Attachment, ChannelId, Envelope } from '@custody/envelope';
import type { NormalizeResult } from './run';
import type { Egress } from './egress';

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

/** A plain HTTP answer to the vendor (handshakes, acknowledgements in the vendor's expected form). */
export interface HandshakeResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Attachment content streamed from the vendor; never buffered whole (files up to 2 GB). */
export interface MediaContent {
  body: Readable;
  mimeType?: string;
  size?: number;
}

/** What a media fetch may use, set by the operator for the instance whose record it is. */
export interface MediaContext {
  /** The connector instance that captured the record. */
  instance: string;
  /** The vendor API base: the connector's documented one, or the operator's CUSTODY_VENDOR_BASE_URLS override. */
  baseUrl?: string;
  /** The only way to the network: the connector's allow-listed hosts over https, public addresses, checked redirects. */
  http: Egress;
  /** A directory the operator assigned to this instance (CUSTODY_MEDIA_DIRS), for content another program on this host stores. */
  localDir?: string;
}

export interface NormalizeContext {
  tenant: string;
  receivedAt: Date;
  /**
   * The raw payload as received. With `sha256` (a webhook delivery, see normalizePayload) every
   * envelope's `source.raw` references the delivery, archived once; without it the bytes are inline.
   */
  raw: { contentType: string; body: Buffer; sha256?: string };
}

/**
 * One channel's integration. Adding a channel means one folder implementing this and one line in
 * the registry; the gateway, CLI and importers work with any connector through it.
 */
export interface Connector<Config = unknown, Parsed = unknown> {
  id: string;
  channel: ChannelId;
  description: string;
  /** Media type of the vendor's payloads, used by the CLI when none is given (default application/json). */
  contentType?: string;
  configSchema: z.ZodType<Config>;
  /** Vendor subscription handshakes (e.g. WhatsApp's GET hub.challenge). Absent when the vendor has none. */
  handshake?(req: WebhookRequest, config: Config): HandshakeResponse;
  /** Proves the vendor sent the request. Throws RejectedInputError(401) otherwise. */
  verify(req: WebhookRequest, config: Config): void;
  /**
   * Bytes → vendor types. Throws RejectedInputError(400) with a precise reason. `config` is given
   * when known (webhooks always; the CLI with --config) for vendors that encrypt payloads (WeCom).
   */
  parse(raw: Buffer, contentType: string, config?: Config): Parsed;
  /**
   * For vendors that encrypt payloads: reads the payload as it is after decryption (WeCom's callback
   * plaintext XML), for `custody normalize --decrypted` in testing. It checks no signature and
   * decrypts nothing, so the gateway never calls it: a webhook request goes through verify and parse.
   */
  parseDecrypted?(plaintext: Buffer, contentType: string, config?: Config): Parsed;
  /**
   * Vendor types → unsealed envelopes, one result per vendor event: an event the contract cannot
   * hold comes back as a RejectedEvent (see isolateEvent) so the other events still go through.
   */
  normalize(parsed: Parsed, ctx: NormalizeContext): NormalizeResult[];
  /**
   * The vendor's own sequence numbers of a parsed delivery (Telegram `update_id`, WeCom archive
   * `seq`), in delivery order, for gap detection. Absent when the vendor numbers nothing. A gap is
   * recorded (log `sequence_gap`, metric, health route), never a reason to refuse.
   */
  sequences?(parsed: Parsed): number[];
  /** The 200 answer the vendor expects (TwiML, "success", …). Default: JSON {accepted, ids}. */
  acknowledge?(envelopes: Envelope[], config: Config): HandshakeResponse;
  /**
   * Where fetchMedia may go: the vendor's documented API base and the hosts it (and its redirects)
   * may reach. Declared here, by the connector, never taken from a tenant's config or a payload.
   */
  egress?: { baseUrl: string; hosts: readonly string[] };
  /**
   * Whether fetchMedia serves this attachment's reference (default: every reference). A reference
   * that names something the vendor's content API does not serve (a LINE sticker: package and
   * sticker id) is the record of it, not content to download.
   */
  fetchable?(attachment: Attachment): boolean;
  /** Streams an attachment whose payload carried only a reference (`sourceRef`) from the vendor's API, through `ctx.http`. */
  fetchMedia?(attachment: Attachment, config: Config, ctx: MediaContext): Promise<MediaContent>;
}

export type AnyConnector = Connector<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
