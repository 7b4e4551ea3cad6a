import type { Connector } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { z } from 'zod';
import { checkForm, TWILIO_EGRESS, fetchTwilioMedia, parseTwilioForm, twimlAcknowledge } from '../twilio-shared';
import { normalizeTwilioVoice } from './normalize';
import { CallStatusForm, RecordingForm, TwilioVoiceConfig, type VoiceEvent } from './types';
import { WHAT, verifyTwilioVoice } from './verify';

const AnyForm = z.record(z.string(), z.string());

/** Twilio stores recordings as WAV and MP3 under the same URL; the bare URL names no file, ".wav" picks the original. */
export function recordingFileUrl(sourceRef: string): string {
  try {
    const u = new URL(sourceRef);
    if (!/\.[A-Za-z0-9]{1,5}$/.test(u.pathname.split('/').pop() ?? '')) u.pathname += '.wav';
    return u.toString();
  } catch {
    return sourceRef; // fetchTwilioMedia rejects it as bad_source_ref
  }
}

export const twilioVoice: Connector<TwilioVoiceConfig, VoiceEvent> = {
  id: 'twilio-voice',
  channel: 'voice',
  description: 'Twilio Programmable Voice callbacks: call status events and call recordings',
  contentType: 'application/x-www-form-urlencoded',
  configSchema: TwilioVoiceConfig,
  verify: verifyTwilioVoice,
  parse(raw, contentType) {
    const params = parseTwilioForm(raw, contentType, AnyForm, WHAT);
    // a call status callback may also carry the call's recording; a recording callback never has CallStatus
    if (params.CallStatus !== undefined) return { type: 'call', form: checkForm(CallStatusForm, params, WHAT) };
    if (params.RecordingSid !== undefined) return { type: 'recording', form: checkForm(RecordingForm, params, WHAT) };
    throw new RejectedInputError(
      'schema_violation',
      `${WHAT}: neither CallStatus (call status callback) nor RecordingSid (recording status callback) is present`,
    );
  },
  normalize: normalizeTwilioVoice,
  acknowledge: twimlAcknowledge,
  fetchMedia: (attachment, config, ctx) => fetchTwilioMedia(recordingFileUrl(attachment.sourceRef ?? ''), config, ctx, attachment.mimeType ?? 'audio/wav'),
  egress: TWILIO_EGRESS,
};
