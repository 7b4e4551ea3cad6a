import { z } from 'zod';
import { secret } from '@custody/connector-kit';

/** Twilio SIDs are two letters and 32 hex digits; `prefix` is a regex alternation such as "SM|MM". */
export const twilioSid = (prefix: string) => z.string().regex(new RegExp(`^(?:${prefix})[0-9a-fA-F]{32}$`), `a Twilio SID (${prefix} + 32 hex digits)`);

export const TwilioConfig = z
  .object({
    accountSid: twilioSid('AC').describe('Twilio Account SID the webhooks must carry as AccountSid'),
    authToken: secret(z.string().min(8)).describe('Twilio auth token: key of the X-Twilio-Signature HMAC and password for media downloads'),
  })
  .strict();
export type TwilioConfig = z.infer<typeof TwilioConfig>;

/** Twilio reads the webhook response as TwiML; an empty <Response> means "do nothing more". */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function twimlAcknowledge() {
  return { status: 200, contentType: 'text/xml', body: EMPTY_TWIML };
}
