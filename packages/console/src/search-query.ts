import type { SearchRequest } from './types';

/**
 * The search form and the API request it becomes. The channel, kind and direction lists are the
 * API's enums (packages/envelope schema.ts); copied, not imported, to keep zod out of the bundle: a
 * unit test fails when the lists differ.
 */
export const CHANNELS = [
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'telegram', label: 'Telegram' },
  { value: 'sms', label: 'SMS' },
  { value: 'mms', label: 'MMS' },
  { value: 'voice', label: 'Voice' },
  { value: 'signal', label: 'Signal' },
  { value: 'wecom', label: 'WeCom' },
  { value: 'line', label: 'LINE' },
  { value: 'email', label: 'Email' },
] as const;

export const KINDS = [
  { value: 'message', label: 'Message' },
  { value: 'call', label: 'Call' },
  { value: 'edit', label: 'Edit' },
  { value: 'deletion', label: 'Deletion' },
  { value: 'reaction', label: 'Reaction' },
  { value: 'status', label: 'Status' },
] as const;

/** Relative to the tenant's employees; `unknown` when capture could not tell (it is stored, so it is findable). */
export const DIRECTIONS = [
  { value: 'inbound', label: 'Inbound' },
  { value: 'outbound', label: 'Outbound' },
  { value: 'internal', label: 'Internal' },
  { value: 'unknown', label: 'Unknown' },
] as const;

/** "only" and "never" become the API's true and false; '' leaves the filter out. */
export const TRI_STATE = ['', 'only', 'never'] as const;
export type TriState = (typeof TRI_STATE)[number];

export function channelLabel(value: string): string {
  return labelOf(CHANNELS, value);
}

export function kindLabel(value: string): string {
  return labelOf(KINDS, value);
}

export function directionLabel(value: string): string {
  return labelOf(DIRECTIONS, value);
}

function labelOf(list: readonly { value: string; label: string }[], value: string): string {
  return list.find((c) => c.value === value)?.label ?? value;
}

/** Hits per page: one screenful to scan, small enough to answer fast. */
export const PAGE_SIZE = 50;

/** What the form holds: strings, as the inputs give them ('' is "not set"). */
export interface SearchForm {
  text: string;
  participant: string;
  employeeId: string;
  channel: string;
  kind: string;
  direction: string;
  from: string;
  to: string;
  holdId: string;
  edited: TriState;
  deleted: TriState;
}

export const EMPTY_FORM: SearchForm = {
  text: '',
  participant: '',
  employeeId: '',
  channel: '',
  kind: '',
  direction: '',
  from: '',
  to: '',
  holdId: '',
  edited: '',
  deleted: '',
};

/** The API's length limits on the free-text fields (SearchQuery), checked before sending. */
export const MAX_LENGTH = { text: 1000, participant: 512, employeeId: 256, holdId: 128 } as const;

const LONG_FIELD_NAMES = { text: 'search text', participant: 'participant', employeeId: 'employee id', holdId: 'hold id' } as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with the form before anything is sent, or null. */
export function formProblem(form: SearchForm): string | null {
  for (const field of Object.keys(MAX_LENGTH) as (keyof typeof MAX_LENGTH)[]) {
    const max = MAX_LENGTH[field];
    if (form[field].trim().length > max) return `The ${LONG_FIELD_NAMES[field]} is longer than ${max.toLocaleString('en')} characters.`;
  }
  for (const [field, label] of [
    ['from', 'From'],
    ['to', 'To'],
  ] as const) {
    const value = form[field];
    if (value && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) return `${label} is not a date (YYYY-MM-DD).`;
  }
  if (form.from && form.to && form.from > form.to) return 'The From date is after the To date.';
  return null;
}

/**
 * The POST /v1/search body: unset fields left out (the API's schema is strict and its defaults are
 * the console's), dates sent as days, which the API reads as whole UTC days (a `to` day included).
 * Every filter goes through here: the legal pages turn the same form into a hold or export scope.
 */
export function searchRequest(form: SearchForm, cursor?: string | null): SearchRequest {
  const text = form.text.trim();
  const participant = form.participant.trim();
  const employeeId = form.employeeId.trim();
  const holdId = form.holdId.trim();
  return {
    ...(text && { text }),
    ...(participant && { participant }),
    ...(employeeId && { employeeId }),
    ...(form.channel && { channel: form.channel }),
    ...(form.kind && { kind: form.kind }),
    ...(form.direction && { direction: form.direction }),
    ...(form.from && { from: form.from }),
    ...(form.to && { to: form.to }),
    ...(holdId && { holdId }),
    ...(form.edited && { edited: form.edited === 'only' }),
    ...(form.deleted && { deleted: form.deleted === 'only' }),
    sort: 'newest',
    size: PAGE_SIZE,
    ...(cursor && { cursor }),
  };
}
