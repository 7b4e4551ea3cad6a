import { RejectedInputError } from '@custody/errors';
import type { Attachment, EnvelopeDraft, Participant } from '@custody/envelope';
import { isolateEvent, rawSource, toE164, type NormalizeContext, type NormalizeResult } from '@custody/connector-kit';
import { isHttpUrl, rfc2822Time } from '../twilio-shared';
import type { CallStatusForm, RecordingForm, VoiceEvent } from './types';

type Draft = EnvelopeDraft;
type Call = NonNullable<Draft['call']>;

const CONNECTOR = 'twilio-voice';
const ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
// Withheld caller IDs arrive as words since 2022; +266696687 is how Twilio spelled them before
const WITHHELD = /^(?:anonymous|restricted|unknown|unavailable|private|\+266696687)$/i;

/** A Twilio webhook carries exactly one event: one envelope, or one RejectedEvent at path "form". */
export function normalizeTwilioVoice(event: VoiceEvent, ctx: NormalizeContext): NormalizeResult[] {
  return isolateEvent('form', () => (event.type === 'call' ? callDraft(event.form, ctx) : recordingDraft(event.form, ctx)));
}

/**
 * Phones are E.164; Twilio Client and SIP endpoints and withheld caller IDs are handles. A party the
 * callback does not name (recording callbacks, Client calls without To) is the call itself:
 * handle twilio-call:<CallSid>, so the record stays attributable and joins the call's other records.
 */
function party(value: string | undefined, field: string, callSid: string): Participant {
  if (!value) return { kind: 'handle', value: `twilio-call:${callSid}`, platformId: callSid };
  if (/^(?:client|sip):\S/i.test(value) || WITHHELD.test(value)) return { kind: 'handle', value };
  return { kind: 'phone', value: toE164(value, field) };
}

/**
 * Twilio's Direction is the firm's side of the call: its number called (inbound), its app or a
 * <Dial> placing a call (outbound-api, outbound-dial), and on an Elastic SIP trunk calls from the
 * phone network to the firm's PBX (origination) or from the PBX out (termination). Recording
 * callbacks carry no Direction: unknown there, the call's own records have it.
 */
function direction(value: string | undefined): Draft['direction'] {
  if (value === 'inbound' || value === 'trunking-originating') return 'inbound';
  return value?.startsWith('outbound') || value === 'trunking-terminating' ? 'outbound' : 'unknown';
}

/** The legs of a call and their recordings share the parent call's conversation: voice:<AccountSid>:<root CallSid>. */
function base(f: { AccountSid: string; CallSid: string; ParentCallSid?: string }, ctx: NormalizeContext, externalId: string, at: string | undefined) {
  return {
    tenant: ctx.tenant,
    kind: 'call' as const,
    channel: 'voice' as const,
    source: { connector: CONNECTOR, externalId, accountId: f.AccountSid, receivedAt: ctx.receivedAt.toISOString(), raw: rawSource(ctx.raw) },
    conversation: { id: `voice:${f.AccountSid}:${f.ParentCallSid || f.CallSid}`, type: 'direct' as const },
    sentAt: at ?? ctx.receivedAt.toISOString(),
    capturedAt: ctx.receivedAt.toISOString(),
  };
}

function recording(sid: string, url: string): Attachment {
  if (!isHttpUrl(url)) throw new RejectedInputError('schema_violation', 'twilio voice webhook: RecordingUrl: an http(s) URL is required');
  return { id: sid, kind: 'recording', mimeType: 'audio/wav', sourceRef: url };
}

/** Only present entries: routing is free-form vendor metadata. */
function compact(entries: Record<string, string | number | undefined>): Record<string, string | number> | undefined {
  const kept = Object.entries(entries).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function callDraft(f: CallStatusForm, ctx: NormalizeContext): Draft {
  const from = party(f.From, 'From', f.CallSid);
  const to = party(f.To, 'To', f.CallSid);
  const at = f.Timestamp ? rfc2822Time(f.Timestamp, ctx.receivedAt, 'Timestamp') : undefined;
  const durationSec = f.CallDuration ? Number(f.CallDuration) : undefined;
  const call: Call = {
    status: f.CallStatus,
    ...span(f.CallStatus, at, durationSec),
    durationSec,
    from,
    to,
    forwardedFrom: f.ForwardedFrom ? party(f.ForwardedFrom, 'ForwardedFrom', f.CallSid) : undefined,
    routing: compact({ parentCallSid: f.ParentCallSid, direction: f.Direction }),
    recording: f.RecordingSid && f.RecordingUrl ? recording(f.RecordingSid, f.RecordingUrl) : undefined,
  };
  return { ...base(f, ctx, `${f.CallSid}:${f.CallStatus}`, at), sender: from, recipients: [to], direction: direction(f.Direction), call };
}

/** Timestamp is when the status happened: an answer starts the call, a final status ends it (minus CallDuration for its start). */
function span(status: string, at: string | undefined, durationSec: number | undefined): Pick<Call, 'startedAt' | 'endedAt'> {
  if (!at) return {};
  if (status === 'in-progress') return { startedAt: at };
  if (!ENDED.has(status)) return {};
  if (status === 'completed' && durationSec !== undefined) return { startedAt: new Date(Date.parse(at) - durationSec * 1000).toISOString(), endedAt: at };
  return { endedAt: at };
}

/**
 * One envelope per recording. A non-final status (in-progress, absent, failed) gets its own id
 * suffix so that it can never shadow the completed callback through envelope-id dedupe.
 */
function recordingDraft(f: RecordingForm, ctx: NormalizeContext): Draft {
  const from = party(f.From, 'From', f.CallSid);
  const to = party(f.To, 'To', f.CallSid);
  const at = f.RecordingStartTime ? rfc2822Time(f.RecordingStartTime, ctx.receivedAt, 'RecordingStartTime') : undefined;
  const suffix = f.RecordingStatus === 'completed' ? '' : `:${f.RecordingStatus}`;
  const call: Call = {
    status: `recording-${f.RecordingStatus}`,
    from,
    to,
    routing: compact({
      parentCallSid: f.ParentCallSid,
      direction: f.Direction,
      recordingDurationSec: f.RecordingDuration ? Number(f.RecordingDuration) : undefined,
      recordingChannels: f.RecordingChannels ? Number(f.RecordingChannels) : undefined,
      recordingSource: f.RecordingSource,
    }),
    recording: f.RecordingUrl ? recording(f.RecordingSid, f.RecordingUrl) : undefined,
  };
  return { ...base(f, ctx, `${f.CallSid}:recording:${f.RecordingSid}${suffix}`, at), sender: from, recipients: [to], direction: direction(f.Direction), call };
}
