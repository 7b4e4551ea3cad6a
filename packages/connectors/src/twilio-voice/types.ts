import { z } from 'zod';
import { TwilioConfig, twilioSid } from '../twilio-shared';

// Loose: Twilio adds parameters without notice and the whole form is archived verbatim in
// source.raw. Optional parameters may arrive empty ("ForwardedFrom="): normalize treats "" as absent.
const address = z.string().max(256);
const seconds = z.string().regex(/^\d{0,9}$/, 'whole seconds as a string of digits');
const status = z.string().regex(/^[a-z-]{1,32}$/, 'a Twilio status');
const blank = z.literal('');

/** Call status callback: one per call progress event (initiated, ringing, answered, completed). */
export const CallStatusForm = z.looseObject({
  CallSid: twilioSid('CA'),
  AccountSid: twilioSid('AC'),
  From: address.min(1),
  // empty for calls a Twilio Client places to a TwiML app without a number
  To: address,
  CallStatus: status,
  Direction: status.or(blank).optional(),
  CallDuration: seconds.optional(),
  Timestamp: z.string().max(64).optional(),
  ForwardedFrom: address.optional(),
  ParentCallSid: twilioSid('CA').or(blank).optional(),
  RecordingSid: twilioSid('RE').or(blank).optional(),
  RecordingUrl: z.string().max(2048).optional(),
});
export type CallStatusForm = z.infer<typeof CallStatusForm>;

/** Recording status callback: it names the call but not its parties. */
export const RecordingForm = z
  .looseObject({
    CallSid: twilioSid('CA'),
    AccountSid: twilioSid('AC'),
    RecordingSid: twilioSid('RE'),
    RecordingUrl: z.string().max(2048).optional(),
    RecordingStatus: status,
    RecordingDuration: seconds.optional(),
    RecordingChannels: z
      .string()
      .regex(/^\d{0,2}$/, 'a channel count')
      .optional(),
    RecordingStartTime: z.string().max(64).optional(),
    RecordingSource: z.string().max(64).optional(),
    From: address.optional(),
    To: address.optional(),
    Direction: status.or(blank).optional(),
    ParentCallSid: twilioSid('CA').or(blank).optional(),
  })
  .refine((r) => r.RecordingStatus !== 'completed' || Boolean(r.RecordingUrl), {
    message: 'required when RecordingStatus is completed',
    path: ['RecordingUrl'],
  });
export type RecordingForm = z.infer<typeof RecordingForm>;

export type VoiceEvent = { type: 'call'; form: CallStatusForm } | { type: 'recording'; form: RecordingForm };

export const TwilioVoiceConfig = TwilioConfig;
export type TwilioVoiceConfig = z.infer<typeof TwilioVoiceConfig>;
