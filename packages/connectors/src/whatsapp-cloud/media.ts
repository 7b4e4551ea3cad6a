import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MediaContent } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import type { WhatsAppCloudConfig } from './types';

/**
 * Cloud API media is two calls: GET /{version}/{media-id} returns a short-lived URL, which is then
 * downloaded with the same bearer token. Media ids expire (about 30 days), hence fetch promptly.
 */
export async function fetchWhatsAppMedia(att: Attachment, config: WhatsAppCloudConfig): Promise<MediaContent> {
  if (!config.accessToken) throw new RejectedInputError('media_not_configured', 'whatsapp-cloud: accessToken is not configured, media cannot be downloaded');
  const mediaId = att.sourceRef?.replace(/^whatsapp-media:/, '') ?? att.id;
  const auth = { authorization: `Bearer ${config.accessToken}` };
  const meta = await call(`${config.apiBaseUrl.replace(/\/$/, '')}/${config.graphVersion}/${encodeURIComponent(mediaId)}`, auth, `media ${mediaId}`);
  const { url, mime_type, file_size } = (await meta.json()) as { url?: string; mime_type?: string; file_size?: number };
  if (!url) throw new RejectedInputError('media_unavailable', `whatsapp-cloud: media ${mediaId} has no download URL`);
  const res = await call(url, auth, `media ${mediaId} content`);
  if (!res.body) throw new DependencyUnavailableError('whatsapp-cloud', `media ${mediaId}: empty response body`);
  return { body: Readable.fromWeb(res.body as WebReadableStream), mimeType: mime_type ?? att.mimeType, size: file_size };
}

async function call(url: string, headers: Record<string, string>, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    throw new DependencyUnavailableError('whatsapp-cloud', `${what}: ${(err as Error).message}`, err);
  }
  if (res.status === 429 || res.status >= 500) throw new DependencyUnavailableError('whatsapp-cloud', `${what}: HTTP ${res.status}`);
  if (!res.ok) throw new RejectedInputError('media_unavailable', `whatsapp-cloud: ${what}: HTTP ${res.status}`, res.status);
  return res;
}
