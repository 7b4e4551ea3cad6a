import { z } from 'zod';
import { TwilioConfig, twilioSid } from '../twilio-shared';

// Loose: Twilio adds parameters without notice (geo fields, RCS/WhatsApp extras) and the whole form
// is archived verbatim in source.raw. The parameters normalize relies on are strict.
const address = z.string().min(1).max(64);
const count = z.string().regex(/^\d{1,3}$/, 'a count as a string of digits');

/** One Messaging webhook: an incoming message, or a status callback when MessageStatus is present. */
export const SmsForm = z.looseObject({
  MessageSid: twilioSid('SM|MM'),
  AccountSid: twilioSid('AC'),
  From: address,
  To: address,
  Body: z.string().optional(),
  NumMedia: count.optional(),
  NumSegments: count.optional(),
  MessageStatus: z
    .string()
    .regex(/^[a-z_-]{1,32}$/, 'a Twilio message status')
    .optional(),
  ErrorCode: z
    .string()
    .regex(/^\d{0,10}$/, 'a numeric error code')
    .optional(),
  ErrorMessage: z.string().max(1024).optional(),
});
export type SmsForm = z.infer<typeof SmsForm>;

export const TwilioSmsConfig = TwilioConfig;
export type TwilioSmsConfig = z.infer<typeof TwilioSmsConfig>;
