import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DependencyUnavailableError } from '@custody/errors';
import type { MediaContent } from './connector';
import type { VendorResponse } from './egress';

/** A download response as attachment content: streamed, never buffered. */
export function streamedMedia(vendor: string, res: VendorResponse, what: string, fallback: { mimeType?: string; size?: number } = {}): MediaContent {
  if (!res.body) throw new DependencyUnavailableError(vendor, `${what}: empty response body`);
  const length = res.headers.get('content-length');
  return {
    body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
    mimeType: res.headers.get('content-type') || fallback.mimeType,
    size: length && /^\d{1,15}$/.test(length) ? Number(length) : fallback.size,
  };
}
