import { streamedMedia, type MediaContent, type MediaContext } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import type { WhatsAppCloudConfig } from './types';

/** Graph API for the metadata call; the download URL it returns is on Meta's media host. */
export const WHATSAPP_EGRESS = { baseUrl: 'https://graph.facebook.com', hosts: ['graph.facebook.com', 'lookaside.fbsbx.com'] } as const;

/**
 * Cloud API media is two calls: GET /{version}/{media-id} returns a short-lived URL, which is then
 * downloaded with the same bearer token. Media ids expire (about 30 days), hence fetch promptly.
 * The returned URL is vendor-supplied: ctx.http lets the token go only to Meta's documented hosts.
 */
export async function fetchWhatsAppMedia(att: Attachment, config: WhatsAppCloudConfig, ctx: MediaContext): Promise<MediaContent> {
  if (!config.accessToken) throw new RejectedInputError('media_not_configured', 'whatsapp-cloud: accessToken is not configured, media cannot be downloaded');
  const mediaId = att.sourceRef?.replace(/^whatsapp-media:/, '') ?? att.id;
  const auth = { authorization: `Bearer ${config.accessToken}` };
  const base = (ctx.baseUrl ?? WHATSAPP_EGRESS.baseUrl).replace(/\/$/, '');
  const meta = await ctx.http.get(`${base}/${config.graphVersion}/${encodeURIComponent(mediaId)}`, `media ${mediaId}`, auth);
  const { url, mime_type, file_size } = (await meta.json()) as { url?: string; mime_type?: string; file_size?: number };
  if (!url) throw new RejectedInputError('media_unavailable', `whatsapp-cloud: media ${mediaId} has no download URL`);
  const res = await ctx.http.get(url, `media ${mediaId} content`, auth);
  // the metadata call names the type and size; the download's headers are a CDN's
  return { ...streamedMedia('whatsapp-cloud', res, `media ${mediaId}`), mimeType: mime_type ?? att.mimeType, size: file_size };
}
