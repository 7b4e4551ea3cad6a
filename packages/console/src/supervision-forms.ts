import { ApiError, userMessage } from './errors';
import { DISPOSITIONS, type Disposition } from './supervision-types';

/**
 * The review forms' rules, the API's own (services/supervision/src/schemas.ts), checked before a
 * request so a person hears what to fix next to the field; and the API's refusals in words. Pure.
 */

export const REASON_MAX = 4000;
export const NOTE_MAX = 8000;
export const MESSAGE_MAX = 2000;
export const MATTER_MAX = 512;
const KEY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Why a required free text is not acceptable, or undefined. */
export function textProblem(text: string, max: number, what: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return `Write ${what}.`;
  if (trimmed.length > max) return `Keep ${what} to ${max.toLocaleString('en')} characters (it has ${trimmed.length.toLocaleString('en')}).`;
  return undefined;
}

export function keyIdProblem(keyId: string): string | undefined {
  const id = keyId.trim();
  if (!id) return 'Enter the key id of the person (as the admin’s API keys page lists it).';
  return KEY_ID.test(id) ? undefined : 'A key id is lowercase letters, digits and dashes, up to 63 characters.';
}

export interface DecisionInput {
  disposition: string;
  reasonCode: string;
  reason: string;
}

export type DecisionProblems = Partial<Record<keyof DecisionInput, string>>;

/** A decision (one alert, or a bulk close): an outcome, one of its reason codes, and the reason in words. */
export function decisionProblems(input: DecisionInput, codes: Readonly<Record<string, readonly string[]>>): DecisionProblems {
  const problems: DecisionProblems = {};
  if (!isDisposition(input.disposition)) problems.disposition = 'Choose what was done.';
  else if (!(codes[input.disposition] ?? []).includes(input.reasonCode)) problems.reasonCode = 'Choose a reason code for this outcome.';
  const reason = textProblem(input.reason, REASON_MAX, 'the reason');
  if (reason) problems.reason = reason;
  return problems;
}

export function isDisposition(value: string): value is Disposition {
  return (DISPOSITIONS as readonly string[]).includes(value);
}

const DISPOSITION_LABELS: Record<Disposition, string> = {
  no_action: 'No action needed',
  false_positive: 'False positive',
  coached: 'Coached',
  violation: 'Violation',
};

export function dispositionLabel(code: string): string {
  return isDisposition(code) ? DISPOSITION_LABELS[code] : code;
}

/** "benign_context" → "Benign context". */
export function reasonCodeLabel(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Tags typed as "follow-up, Client Call": lower-cased, split on commas and spaces, each checked against the API's rule. */
export function parseTags(text: string): { tags: string[]; problem?: string } {
  const tags = [
    ...new Set(
      text
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  if (tags.length === 0) return { tags, problem: 'Enter at least one tag.' };
  const bad = tags.filter((t) => !TAG.test(t));
  if (bad.length > 0) return { tags, problem: `A tag is lowercase letters, digits and dashes, up to 32 characters: ${bad.join(', ')} is not.` };
  if (tags.length > 20) return { tags, problem: 'Add at most 20 tags at a time.' };
  return { tags };
}

/**
 * What a refused review action means for the person, beyond the API's own sentence: a conflict of
 * interest (their own messages, or their reporting chain's) and an unbound key name what to do.
 */
export function reviewMessage(err: unknown, action: string): string {
  if (err instanceof ApiError) {
    const said = sentence(err.message);
    switch (err.code) {
      case 'conflict_of_interest':
        return `Conflict of interest: ${said} Another reviewer must review this alert.`;
      case 'reviewer_unbound':
        return 'Your key names no employee, so Custody cannot check that you are not reviewing yourself or your reporting chain. Ask an admin for a reviewer key that names your employee id.';
      case 'alert_claimed':
        return `Someone else is reviewing this alert: ${said} It is theirs until they release it.`;
      case 'alert_closed':
        return `This alert is closed: ${said} Notes and tags can still be added.`;
      case 'alert_not_yours':
        return `You have not claimed this alert: ${said}`;
    }
  }
  return userMessage(err, { action, notFound: 'No alert with this id exists.' });
}

function sentence(message: string): string {
  const text = message.trim();
  if (!text) return '';
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The id a policy source names, for the address it is archived at (the API refuses a source whose
 * id is not the one in the address): JSON's `id`, or YAML's top-level `id:` line. Null when none.
 */
export function policyIdOf(source: string, format: 'yaml' | 'json'): string | null {
  if (format === 'json') {
    try {
      const doc = JSON.parse(source) as unknown;
      const id = typeof doc === 'object' && doc !== null ? (doc as { id?: unknown }).id : undefined;
      return typeof id === 'string' && id ? id : null;
    } catch {
      return null;
    }
  }
  const line = /^id:[ \t]*(?:"([^"\n]+)"|'([^'\n]+)'|([^\s#'"]+))[ \t]*(?:#.*)?$/m.exec(source);
  return line ? (line[1] ?? line[2] ?? line[3]) : null;
}

/** A file's format by its name: .json is JSON, anything else (.yaml, .yml) YAML. */
export function formatOfFile(name: string): 'yaml' | 'json' {
  return /\.json$/i.test(name) ? 'json' : 'yaml';
}
