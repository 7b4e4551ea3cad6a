import type { WebhookRequest } from '@custody/connector-kit';
import { verifyTwilioRequest } from '../twilio-shared';
import type { TwilioSmsConfig } from './types';

export const WHAT = 'twilio sms webhook';

/** X-Twilio-Signature over the public URL and the form parameters; AccountSid must be the configured account. */
export function verifyTwilioSms(req: WebhookRequest, config: TwilioSmsConfig): void {
  verifyTwilioRequest(req, config, WHAT);
}
