import { createHash } from 'node:crypto';
import type { Envelope } from '@custody/envelope';
import { normalize, NORMALIZER_VERSION } from './normalize';
import { contentAddress, matchPolicy, type MatchInput, type Policy, type PolicyHit } from './policy';

/** Attachment names are screened as one text, a name per line: hit offsets are into that text. */
export const ATTACHMENT_NAME_SEPARATOR = '\n';

/**
 * What a policy reads of a record: its subject, its text and its attachments' names, each
 * normalized; and who took part — the employees (and their groups, which the directory knows, not
 * the record) and everyone else, whose addresses and numbers a scope may name. A call transcript
 * becomes the `transcript` zone once records carry one.
 */
export function screeningInput(envelope: Envelope, groups: readonly string[] = []): MatchInput {
  const names = (envelope.attachments ?? []).map((a) => a.fileName).filter((n): n is string => Boolean(n));
  const participants = [envelope.sender, ...envelope.recipients];
  return {
    zones: {
      ...(envelope.content?.subject && { subject: normalize(envelope.content.subject) }),
      ...(envelope.content?.text && { body: normalize(envelope.content.text) }),
      ...(names.length > 0 && { attachmentNames: normalize(names.join(ATTACHMENT_NAME_SEPARATOR)) }),
    },
    context: {
      employeeIds: [...new Set(participants.flatMap((p) => (p.employeeId ? [p.employeeId] : [])))].sort(),
      groups: [...new Set(groups)].sort(),
      channel: envelope.channel,
      direction: envelope.direction,
      externalParticipants: participants.filter((p) => !p.employeeId).map((p) => ({ kind: p.kind, value: p.value })),
    },
  };
}

/** One record screened by one policy version: everything an examiner needs to re-run it and compare. */
export interface Screening {
  record: string;
  policy: string;
  normalizer: string;
  inScope: boolean;
  hits: PolicyHit[];
}

/** A policy's address, once per policy object: a lookback screens millions of records with one. */
const addresses = new WeakMap<Policy, string>();
function addressOf(policy: Policy): string {
  let address = addresses.get(policy);
  if (address === undefined) addresses.set(policy, (address = contentAddress(policy)));
  return address;
}

export function screenEnvelope(policy: Policy, envelope: Envelope, groups: readonly string[] = []): Screening {
  const { inScope, hits } = matchPolicy(policy, screeningInput(envelope, groups));
  return { record: envelope.id, policy: addressOf(policy), normalizer: NORMALIZER_VERSION, inScope, hits };
}

/**
 * The identity of a set of screenings: SHA-256 over their JSON in record order, one per line. The
 * same policy version, normalizer version and records give the same bytes, so an examiner's re-run
 * is compared by this one value.
 */
export function screeningsHash(screenings: readonly Screening[]): string {
  const hash = createHash('sha256');
  for (const s of [...screenings].sort((a, b) => (a.record < b.record ? -1 : a.record > b.record ? 1 : 0))) hash.update(`${JSON.stringify(s)}\n`);
  return `sha256:${hash.digest('hex')}`;
}
