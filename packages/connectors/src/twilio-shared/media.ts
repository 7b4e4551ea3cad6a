import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MediaContent } from '@custody/connector-kit';
import { DependencyUnavailableError, RejectedInputError, errorMessage } from '@custody/errors';
import type { TwilioConfig } from './config';

/**
 * Streams a Twilio media or recording URL with basic auth. Only the path of the URL is used, on
 * config.apiBaseUrl's origin, and only under this account: the credentials never go to a host or
 * account the payload named.
 */
export async function fetchTwilioMedia(sourceRef: string, config: TwilioConfig, fallbackMimeType?: string): Promise<MediaContent> {
  let target: URL;
  try {
    const src = new URL(sourceRef);
    // set on the origin, never resolved against it: a path such as "//other.host/2010-04-01/…"
    // resolves as a protocol-relative reference to another host, which would receive the credentials
    target = new URL(new URL(config.apiBaseUrl).origin);
    target.pathname = src.pathname;
    target.search = src.search;
  } catch {
    throw new RejectedInputError('bad_source_ref', `twilio media: sourceRef is not a URL`);
  }
  const prefix = `/2010-04-01/Accounts/${config.accountSid}/`;
  if (target.origin !== new URL(config.apiBaseUrl).origin || !target.pathname.startsWith(prefix)) throw new RejectedInputError('bad_source_ref', `twilio media: ${target.pathname} is not under ${prefix}`);
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  let res: Response;
  try {
    // fetch drops Authorization when Twilio redirects to its media CDN (another origin)
    res = await fetch(target, { headers: { authorization } });
  } catch (err) {
    throw new DependencyUnavailableError('twilio', `GET ${target.pathname}: ${errorMessage(err)}`, err);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    if (res.status === 429 || res.status >= 500) throw new DependencyUnavailableError('twilio', `GET ${target.pathname}: HTTP ${res.status}`);
    throw new RejectedInputError('media_unavailable', `twilio media: GET ${target.pathname}: HTTP ${res.status}`);
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  return {
    body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
    mimeType: res.headers.get('content-type') ?? fallbackMimeType,
    size: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
  };
}

/** Media and recording URLs in a payload must at least be absolute http(s) URLs. */
export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
