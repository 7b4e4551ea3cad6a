import { createHash } from 'node:crypto';
import { streamedMedia, type MediaContent, type MediaContext } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import type { WecomConfig } from './types';

// errcodes that a later attempt can clear: system busy, rate limits, an access_token that expired or was revoked
const RETRIABLE = new Set([-1, 45009, 45033, 40001, 40014, 42001]);
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/**
 * access_token lives 7200 s and gettoken is rate limited, so tokens are cached per API/corp/secret
 * (the secret only as a hash) and dropped as soon as WeCom says one is no longer valid.
 */
const tokens = new Map<string, { token: string; expiresAt: number }>();

export const WECOM_EGRESS = { baseUrl: 'https://qyapi.weixin.qq.com', hosts: ['qyapi.weixin.qq.com'] } as const;

/** GET /cgi-bin/media/get streams the file; errors come back as HTTP 200 with a JSON {errcode, errmsg}. */
export async function fetchWecomMedia(att: Attachment, config: WecomConfig, ctx: MediaContext): Promise<MediaContent> {
  if (!config.corpSecret) throw new RejectedInputError('media_not_configured', 'wecom: corpSecret is not configured, media cannot be downloaded');
  if (!att.sourceRef?.startsWith('wecom-media:')) throw new RejectedInputError('bad_media_ref', `wecom: attachment ${att.id} has no wecom-media: reference`);
  const mediaId = att.sourceRef.slice('wecom-media:'.length);
  const base = ctx.baseUrl ?? WECOM_EGRESS.baseUrl;
  const cacheKey = `${base}|${config.corpId}|${createHash('sha256').update(config.corpSecret).digest('hex')}`;
  const url = endpoint(base, '/cgi-bin/media/get');
  url.searchParams.set('access_token', await accessToken(ctx, base, config, cacheKey));
  url.searchParams.set('media_id', mediaId);
  const res = await ctx.http.get(url, `media ${mediaId}`);
  const type = res.headers.get('content-type') ?? '';
  // a real file always comes with Content-Disposition; a JSON body without one is WeCom's error answer
  if (/^application\/json\b/i.test(type) && !res.headers.get('content-disposition')) {
    const err = (await res.json()) as { errcode?: number; errmsg?: string };
    if (TOKEN_ERRORS.has(err.errcode ?? 0)) tokens.delete(cacheKey);
    throw wecomError(err, `media ${mediaId}`);
  }
  return streamedMedia('wecom', res, `media ${mediaId}`, { mimeType: att.mimeType });
}

async function accessToken(ctx: MediaContext, base: string, config: WecomConfig, cacheKey: string): Promise<string> {
  const cached = tokens.get(cacheKey);
  if (cached && cached.expiresAt > Date.now()) return cached.token;
  const url = endpoint(base, '/cgi-bin/gettoken');
  url.searchParams.set('corpid', config.corpId);
  url.searchParams.set('corpsecret', config.corpSecret!);
  const body = (await (await ctx.http.get(url, 'gettoken')).json()) as { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number };
  if (body.errcode || !body.access_token) throw wecomError(body, 'gettoken');
  // refresh five minutes early so a token never expires between the cache check and the download
  tokens.set(cacheKey, { token: body.access_token, expiresAt: Date.now() + Math.max(0, (body.expires_in ?? 7200) - 300) * 1000 });
  return body.access_token;
}

/** Keeps a path prefix in the base URL (an operator's proxy in front of WeCom). */
function endpoint(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, '')}${path}`);
}

function wecomError(err: { errcode?: number; errmsg?: string }, what: string): Error {
  const detail = `${what}: errcode ${err.errcode ?? '?'} ${(err.errmsg ?? '').slice(0, 200)}`.trim();
  if (RETRIABLE.has(err.errcode ?? 0)) return new DependencyUnavailableError('wecom', detail);
  // 40007: invalid media_id (media ids expire after three days)
  if (err.errcode === 40007) return new RejectedInputError('media_not_found', `wecom: ${detail}`, 404);
  return new RejectedInputError('media_unavailable', `wecom: ${detail}`);
}
