import type { SearchRequest } from './types';

/**
 * The search form and the API request it becomes. The channel list is the API's `Channel` enum
 * (packages/envelope schema.ts); copied, not imported, to keep zod out of the bundle: a unit test
 * fails when the two lists differ.
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

export function channelLabel(value: string): string {
  return CHANNELS.find((c) => c.value === value)?.label ?? value;
}

/** Hits per page: one screenful to scan, small enough to answer fast. */
export const PAGE_SIZE = 50;

/** What the form holds: strings, as the inputs give them ('' is "not set"). */
export interface SearchForm {
  text: string;
  channel: string;
  from: string;
  to: string;
}

export const EMPTY_FORM: SearchForm = { text: '', channel: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with the form before anything is sent, or null. */
export function formProblem(form: SearchForm): string | null {
  if (form.text.trim().length > 1000) return 'The search text is longer than 1,000 characters.';
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
 */
export function searchRequest(form: SearchForm, cursor?: string | null): SearchRequest {
  const text = form.text.trim();
  return {
    ...(text && { text }),
    ...(form.channel && { channel: form.channel }),
    ...(form.from && { from: form.from }),
    ...(form.to && { to: form.to }),
    sort: 'newest',
    size: PAGE_SIZE,
    ...(cursor && { cursor }),
  };
}
