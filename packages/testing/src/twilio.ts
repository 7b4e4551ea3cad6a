import { createHmac, randomBytes } from 'node:crypto';
import type { Envelope } from '@custody/envelope';

/** Where the e2e tests pretend Twilio calls Custody: signatures are computed over this URL. */
export const PUBLIC_URL = 'https://custody.example.test';
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** A Twilio account of its own per test file, and the basic auth header media requests must carry. */
export function twilioAccount(): { accountSid: string; authToken: string; basicAuth: string } {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  return { accountSid, authToken, basicAuth: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` };
}

/** Twilio's algorithm written out independently of the connector: base64(HMAC-SHA1(token, URL + sorted name+value pairs)). */
export function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

export async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

export const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export interface RecordView {
  envelope: Envelope;
  verification: { objectSha256: string; envelopeIntegrity: string };
}

/** A completed inbound call's status callback as Twilio Voice posts it: 42 s, ended at `at`. */
export function twilioCallStatus(accountSid: string, callSid: string, at: Date, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Called: '+15017122661',
    Direction: 'inbound',
    Timestamp: at.toUTCString().replace('GMT', '+0000'),
    CallbackSource: 'call-progress-events',
    SequenceNumber: '3',
    CallSid: callSid,
    To: '+15017122661',
    ApiVersion: '2010-04-01',
    CallStatus: 'completed',
    From: '+14158675310',
    CallDuration: '42',
    AccountSid: accountSid,
    Caller: '+14158675310',
    ...extra,
  };
}
