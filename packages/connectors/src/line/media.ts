import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { MediaContent, MediaContext } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import type { LineConfig } from './types';

export const LINE_EGRESS = { baseUrl: 'https://api-data.line.me', hosts: ['api-data.line.me'] } as const;

/** Only what a user sent is on the content API; a sticker reference (line-sticker:) names a sticker of LINE's catalogue. */
export function isLineContent(attachment: Attachment): boolean {
  return attachment.sourceRef?.startsWith('line-content:') ?? false;
}

/** Streams what a user sent (image, video, audio, file) from GET /v2/bot/message/{messageId}/content. */
export async function fetchLineContent(attachment: Attachment, config: LineConfig, ctx: MediaContext): Promise<MediaContent> {
  const messageId = /^line-content:([A-Za-z0-9_-]{1,128})$/.exec(attachment.sourceRef ?? '')?.[1];
  if (!messageId) throw new RejectedInputError('bad_source_ref', `line media: attachment ${attachment.id}: sourceRef must be line-content:<message id>`);
  const url = `${(ctx.baseUrl ?? LINE_EGRESS.baseUrl).replace(/\/+$/, '')}/v2/bot/message/${messageId}/content`;
  const res = await ctx.http.fetch(url, `content ${messageId}`, { authorization: `Bearer ${config.channelAccessToken}` });
  // 202: LINE is still transcoding a video or audio; the same request succeeds later
  if (res.status !== 200 || !res.body) {
    const detail = await res.json().then(
      (b: unknown) => {
        const message = (b as { message?: unknown } | null)?.message;
        return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
      },
      () => '',
    );
    if (res.status < 300 || res.status >= 500 || res.status === 429)
      throw new DependencyUnavailableError('line', `content ${messageId}: HTTP ${res.status}${detail}`);
    throw new RejectedInputError('media_rejected', `line media: content ${messageId}: HTTP ${res.status}${detail}`);
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  return {
    body: Readable.fromWeb(res.body as ReadableStream<Uint8Array>),
    mimeType: res.headers.get('content-type') ?? attachment.mimeType,
    size: Number.isSafeInteger(length) ? length : attachment.size,
  };
}
