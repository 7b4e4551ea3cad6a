import { streamedMedia, type MediaContent, type MediaContext } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import type { TwilioConfig } from './config';

/**
 * The REST API, and the hosts it redirects media and recording downloads to (short-lived URLs on
 * Twilio's media CDN, or S3 for media stored before HTTP auth was enforced). Redirects drop the
 * credentials (another origin).
 */
export const TWILIO_EGRESS = {
  baseUrl: 'https://api.twilio.com',
  hosts: ['api.twilio.com', 'mms.twiliocdn.com', 'media.twiliocdn.com', 's3-external-1.amazonaws.com'],
} as const;

/**
 * Streams a Twilio media or recording URL with basic auth. Only the path of the URL is used, on the
 * API's origin, and only under this account: the credentials never go to a host or account the
 * payload named.
 */
export async function fetchTwilioMedia(sourceRef: string, config: TwilioConfig, ctx: MediaContext, fallbackMimeType?: string): Promise<MediaContent> {
  const origin = new URL(ctx.baseUrl ?? TWILIO_EGRESS.baseUrl).origin;
  let target: URL;
  try {
    const src = new URL(sourceRef);
    // set on the origin, never resolved against it: a path such as "//other.host/2010-04-01/…"
    // resolves as a protocol-relative reference to another host, which would receive the credentials
    target = new URL(origin);
    target.pathname = src.pathname;
    target.search = src.search;
  } catch {
    throw new RejectedInputError('bad_source_ref', `twilio media: sourceRef is not a URL`);
  }
  const prefix = `/2010-04-01/Accounts/${config.accountSid}/`;
  if (target.origin !== origin || !target.pathname.startsWith(prefix))
    throw new RejectedInputError('bad_source_ref', `twilio media: ${target.pathname} is not under ${prefix}`);
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  const res = await ctx.http.get(target, `GET ${target.pathname}`, { authorization });
  return streamedMedia('twilio', res, `GET ${target.pathname}`, { mimeType: fallbackMimeType });
}

/** Media and recording URLs in a payload must at least be absolute http(s) URLs. */
export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
