import { createHmac } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { safeEqual, type WebhookRequest } from '@custody/connector-kit';
import type { TwilioConfig } from './config';
import { decodeForm, type FormPairs } from './form';

/**
 * Twilio's X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + name1 + value1 + name2 + value2 …))
 * with the POST parameters sorted by name (case-sensitive, code-unit order), decoded values.
 * Ties (a repeated name) are ordered by value, as Twilio's own helpers do.
 */
export function twilioSignature(authToken: string, url: string, pairs: FormPairs): string {
  const sorted = [...pairs].sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const [name, value] of sorted) hmac.update(name, 'utf8').update(value, 'utf8');
  return hmac.digest('base64');
}

/**
 * Twilio signs the URL as configured; a default port may or may not be spelled out there while
 * req.url never carries it, so both spellings are accepted (as Twilio's SDKs do).
 */
function urlVariants(url: string): string[] {
  const u = new URL(url);
  const port = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '';
  if (u.port || !port) return [url];
  const origin = `${u.protocol}//${u.host}`;
  return [url, url.startsWith(origin) ? `${origin}:${port}${url.slice(origin.length)}` : url];
}

/** Signature over the public URL and the form, then the account: a valid signature from another Twilio account is not ours. */
export function verifyTwilioRequest(req: WebhookRequest, config: TwilioConfig, what: string): void {
  const header = req.headers['x-twilio-signature']?.trim();
  if (!header) throw new RejectedInputError('signature_missing', 'X-Twilio-Signature header is missing', 401);
  let pairs: FormPairs;
  try {
    pairs = decodeForm(req.rawBody, what);
  } catch (err) {
    // unauthenticated bytes get no parse diagnostics: what cannot be decoded cannot have been signed by Twilio
    if (!(err instanceof RejectedInputError)) throw err;
    throw new RejectedInputError('signature_invalid', `X-Twilio-Signature cannot be checked: ${err.message}`, 401);
  }
  if (!urlVariants(req.url).some((url) => safeEqual(header, twilioSignature(config.authToken, url, pairs)))) {
    throw new RejectedInputError('signature_invalid', 'X-Twilio-Signature does not match the URL and parameters', 401);
  }
  const accounts = pairs.filter(([name]) => name === 'AccountSid').map(([, value]) => value);
  if (accounts.length === 0 || accounts.some((a) => a !== config.accountSid)) {
    throw new RejectedInputError('account_mismatch', 'AccountSid is missing or is not the configured Twilio account', 401);
  }
}
