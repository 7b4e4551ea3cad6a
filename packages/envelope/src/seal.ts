import { IntegrityError, RejectedInputError } from '@custody/errors';
import { canonicalJson, sha256Hex } from './canonical';
import { ENVELOPE_SCHEMA, Envelope, type Attachment, type EnvelopeDraft } from './schema';
import { isMediaType } from './media-type';
import { envelopeId } from './identity';
import { withSafeDisplayValues } from './display';

export function integrityHash(envelope: Omit<Envelope, 'integrity'> | Envelope): string {
  const { integrity: _ignored, ...rest } = envelope as Envelope;
  return sha256Hex(canonicalJson(rest));
}

/** Derives id and integrity and validates the result; a draft that breaks the contract never leaves a connector. */
export function sealEnvelope(input: EnvelopeDraft): Envelope {
  const draft = withValidMediaTypes(withSafeDisplayValues(input));
  const unsealed = {
    schema: ENVELOPE_SCHEMA,
    id: envelopeId(draft.tenant, draft.source.connector, draft.source.externalId, draft.kind),
    ...draft,
  };
  const candidate = { ...unsealed, integrity: { sha256: integrityHash(unsealed) } };
  const parsed = Envelope.safeParse(candidate);
  if (!parsed.success) {
    throw new RejectedInputError('envelope_invalid', `normalized record violates the envelope contract: ${formatIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/**
 * A vendor-declared attachment type that is not a media type (CR/LF, non-ASCII, garbage) is kept as
 * declared but never as `mimeType`, which is what Custody later sends as a Content-Type header.
 */
function withValidMediaTypes(draft: EnvelopeDraft): EnvelopeDraft {
  const fix = (a: Attachment): Attachment => {
    if (a.mimeType === undefined || isMediaType(a.mimeType)) return a;
    const { mimeType, ...rest } = a;
    return { ...rest, declaredMimeType: mimeType };
  };
  const out = { ...draft };
  if (draft.attachments) out.attachments = draft.attachments.map(fix);
  if (draft.call?.recording) out.call = { ...draft.call, recording: fix(draft.call.recording) };
  return out;
}

/** Parses bytes from the bus or the archive and proves the integrity hash still matches. */
export function parseEnvelope(bytes: Buffer | string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new RejectedInputError('envelope_not_json', `envelope is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) throw new RejectedInputError('envelope_invalid', `envelope violates custody.envelope/v1: ${formatIssues(parsed.error.issues)}`);
  const expected = integrityHash(parsed.data);
  if (expected !== parsed.data.integrity.sha256) {
    throw new IntegrityError(`envelope ${parsed.data.id}: integrity.sha256 ${parsed.data.integrity.sha256} does not match content (${expected})`);
  }
  return parsed.data;
}

export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
