import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { Egress, MediaContent, MediaContext, VendorResponse } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import type { TelegramBotConfig } from './types';

const GetFileResult = z.looseObject({
  ok: z.literal(true),
  result: z.looseObject({ file_path: z.string().min(1).max(1024), file_size: z.int().nonnegative().optional() }),
});

export const TELEGRAM_EGRESS = { baseUrl: 'https://api.telegram.org', hosts: ['api.telegram.org'] } as const;

/**
 * Two steps, as the Bot API prescribes: getFile turns the file_id into a file_path, then the file is
 * streamed from /file/bot<token>/<file_path>. Both URLs hold the bot token, so they never reach an error message.
 */
export async function fetchTelegramFile(attachment: Attachment, config: TelegramBotConfig, ctx: MediaContext): Promise<MediaContent> {
  const fileId = /^telegram-file:([\w-]{1,512})$/.exec(attachment.sourceRef ?? '')?.[1];
  if (!fileId) throw new RejectedInputError('bad_source_ref', `telegram media: attachment ${attachment.id}: sourceRef must be telegram-file:<file_id>`);
  if (!config.botToken) throw new RejectedInputError('media_not_configured', 'telegram media: botToken is not configured, media cannot be downloaded');
  const base = (ctx.baseUrl ?? TELEGRAM_EGRESS.baseUrl).replace(/\/+$/, '');

  const info = await request(ctx.http, `${base}/bot${config.botToken}/getFile?${new URLSearchParams({ file_id: fileId })}`, 'getFile');
  const parsed = GetFileResult.safeParse(await info.json().catch(() => undefined));
  // a 200 that is not a getFile result will not become one on retry: dead-letter it with the reason
  if (!parsed.success) throw new RejectedInputError('media_rejected', 'telegram media: getFile answered 200 without a file_path');
  const segments = parsed.data.result.file_path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new RejectedInputError('media_rejected', 'telegram media: getFile returned an unsafe file_path');

  const res = await request(ctx.http, `${base}/file/bot${config.botToken}/${segments.map(encodeURIComponent).join('/')}`, 'file download');
  const length = Number(res.headers.get('content-length') ?? NaN);
  return {
    body: Readable.fromWeb(res.body as ReadableStream<Uint8Array>),
    mimeType: attachment.mimeType ?? res.headers.get('content-type') ?? undefined,
    size: Number.isSafeInteger(length) ? length : parsed.data.result.file_size,
  };
}

async function request(http: Egress, url: string, what: string): Promise<VendorResponse> {
  const res = await http.fetch(url, what);
  if (res.ok && res.body) return res;
  // Telegram explains 4xx in {"description": …}; it never echoes the token
  const detail = await res.json().then(
    (b: unknown) => {
      const description = (b as { description?: unknown } | null)?.description;
      return typeof description === 'string' ? `: ${description.slice(0, 200)}` : '';
    },
    () => '',
  );
  if (res.ok || res.status >= 500 || res.status === 429) throw new DependencyUnavailableError('telegram', `${what}: HTTP ${res.status}${detail}`);
  throw new RejectedInputError('media_rejected', `telegram media: ${what}: HTTP ${res.status}${detail}`);
}
