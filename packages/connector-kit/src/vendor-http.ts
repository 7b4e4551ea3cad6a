import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import type { MediaContent } from './connector';

/**
 * GET from a vendor API for media downloads. Network failures, 429 and 5xx are outages (the media
 * service retries them); any other non-2xx is the vendor refusing (dead-lettered with the reason).
 * `what` names the request in errors; it must not contain credentials.
 */
export async function vendorGet(vendor: string, url: string | URL, what: string, headers: Record<string, string> = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    throw new DependencyUnavailableError(vendor, `${what}: ${(err as Error).message}`, err);
  }
  if (res.status === 429 || res.status >= 500) throw new DependencyUnavailableError(vendor, `${what}: HTTP ${res.status}`);
  if (!res.ok) throw new RejectedInputError('media_unavailable', `${vendor}: ${what}: HTTP ${res.status}`, res.status);
  return res;
}

/** A download response as attachment content: streamed, never buffered. */
export function streamedMedia(vendor: string, res: Response, what: string, fallback: { mimeType?: string; size?: number } = {}): MediaContent {
  if (!res.body) throw new DependencyUnavailableError(vendor, `${what}: empty response body`);
  const length = res.headers.get('content-length');
  return {
    body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
    mimeType: res.headers.get('content-type') || fallback.mimeType,
    size: length && /^\d{1,15}$/.test(length) ? Number(length) : fallback.size,
  };
}
