import type { Attachment, EnvelopeDraft, Participant, ServiceAction } from './schema';

/**
 * Control characters (C0, DEL, C1, line and paragraph separators) and bidirectional overrides and
 * isolates: what lets a vendor-supplied name inject header lines, break CSV rows or display text in
 * an order other than it is stored ("Trojan Source").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;

/** Longest display values kept, in code points; the vendor's full value stays in `source.raw`. */
export const DISPLAY_LIMITS = { name: 256, title: 512, fileName: 255, subject: 998 } as const;

/**
 * A vendor display value made safe to show: unsafe characters become one space, the ends are
 * trimmed, the length is bounded (whole code points). Empty after that means absent.
 */
export function displayText(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const clean = value.replace(UNSAFE, ' ').trim();
  const bounded = clean.length <= max ? clean : Array.from(clean).slice(0, max).join('').trimEnd();
  return bounded === '' ? undefined : bounded;
}

/**
 * The draft with every display field (names, titles, file names, subject) passed through displayText.
 * Identifiers are left alone: they are validated by the contract, and changing them would change whom
 * a record names.
 */
export function withSafeDisplayValues(draft: EnvelopeDraft): EnvelopeDraft {
  const out: EnvelopeDraft = {
    ...draft,
    sender: person(draft.sender),
    recipients: draft.recipients.map(person),
    conversation: defined({ ...draft.conversation, title: displayText(draft.conversation.title, DISPLAY_LIMITS.title) }),
  };
  if (draft.content)
    out.content = defined({
      ...draft.content,
      subject: displayText(draft.content.subject, DISPLAY_LIMITS.subject),
      action: draft.content.action && action(draft.content.action),
    });
  if (draft.attachments) out.attachments = draft.attachments.map(file);
  if (draft.call) {
    const { from, to, forwardedFrom, recording } = draft.call;
    out.call = defined({
      ...draft.call,
      from: person(from),
      to: person(to),
      forwardedFrom: forwardedFrom && person(forwardedFrom),
      recording: recording && file(recording),
    });
  }
  return out;
}

const person = (p: Participant): Participant => defined({ ...p, displayName: displayText(p.displayName, DISPLAY_LIMITS.name) });
const file = (a: Attachment): Attachment => defined({ ...a, fileName: displayText(a.fileName, DISPLAY_LIMITS.fileName) });
const action = (a: ServiceAction): ServiceAction =>
  defined({ ...a, actor: a.actor && person(a.actor), members: a.members?.map(person), title: displayText(a.title, DISPLAY_LIMITS.title) });

/** Drops keys whose value became undefined, so the canonical form never carries `"x": undefined`. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
