import type { WebhookRequest } from '@custody/connector-kit';
import { verifyTwilioRequest } from '../twilio-shared';
import type { TwilioVoiceConfig } from './types';

export const WHAT = 'twilio voice webhook';

/** X-Twilio-Signature over the public URL and the form parameters; AccountSid must be the configured account. */
export function verifyTwilioVoice(req: WebhookRequest, config: TwilioVoiceConfig): void {
  verifyTwilioRequest(req, config, WHAT);
}
