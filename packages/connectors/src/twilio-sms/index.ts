import type { Connector } from '@custody/connector-kit';
import { TWILIO_EGRESS, fetchTwilioMedia, parseTwilioForm, twimlAcknowledge } from '../twilio-shared';
import { normalizeTwilioSms } from './normalize';
import { SmsForm, TwilioSmsConfig } from './types';
import { WHAT, verifyTwilioSms } from './verify';

export const twilioSms: Connector<TwilioSmsConfig, SmsForm> = {
  id: 'twilio-sms',
  channel: 'sms',
  description: 'Twilio Messaging webhooks: incoming SMS/MMS with media, and message status callbacks',
  contentType: 'application/x-www-form-urlencoded',
  configSchema: TwilioSmsConfig,
  verify: verifyTwilioSms,
  parse: (raw, contentType) => parseTwilioForm(raw, contentType, SmsForm, WHAT),
  normalize: normalizeTwilioSms,
  acknowledge: twimlAcknowledge,
  fetchMedia: (attachment, config, ctx) => fetchTwilioMedia(attachment.sourceRef ?? '', config, ctx, attachment.mimeType),
  egress: TWILIO_EGRESS,
};
