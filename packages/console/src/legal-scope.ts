import { formatUtc } from './format';
import { EXPORT_FORMAT_CHOICES, type ExportFormat, type ExportScope, type HoldScope } from './legal-types';
import { channelLabel, directionLabel, kindLabel } from './search-query';
import { FILTER_NAME } from './search-filters';
import type { SearchRequest } from './types';

/**
 * From the current search (the POST /v1/search body searchRequest builds) to a hold's scope or an
 * export's. A hold scope (packages/policy holds.ts) is custodians, participants, channels, a sentAt
 * range and words that must all appear in the text; whatever else a search can say is refused here,
 * with the reason, rather than dropped (a hold wider than the search) or guessed at (a narrower one).
 */

export type HoldScopeTranslation =
  /** No filter at all: there is no search to place a hold from. */
  { kind: 'empty' } | { kind: 'refused'; reasons: string[] } | { kind: 'scope'; scope: HoldScope };

/** What only pages or orders the hits: no part of which records a search finds. */
const PAGING = new Set(['sort', 'size', 'cursor', 'facets']);

/** Why each search filter a hold cannot express is refused. */
const NO_HOLD_EQUIVALENT: Record<string, (value: unknown) => string> = {
  kind: (v) => `It finds only records of one kind (${kindLabel(String(v))}); a hold covers every kind of record in its scope.`,
  direction: (v) => `It finds only ${directionLabel(String(v)).toLowerCase()} records; a hold cannot be limited by direction.`,
  holdId: () => 'It finds records under another legal hold; a hold cannot be limited to another hold’s records.',
  edited: (v) => `It finds only records ${v ? 'that were' : 'never'} edited; a hold cannot be limited by edits.`,
  deleted: (v) => `It finds only records ${v ? 'that were' : 'never'} deleted; a hold cannot be limited by deletions.`,
  conversation: () => 'It finds one conversation; a hold cannot be limited to a conversation.',
  unmapped: () => 'It finds records of a participant the directory does not know; a hold names participants or custodians instead.',
};

/** Search text syntax beyond plain words: phrases, prefixes, operators (upper case) and groups. */
const SYNTAX = /["*()]|(^|\s)(AND|OR|NOT)(?=\s|$)/;

/** A word as a hold's `query` reads one (packages/policy holds.ts `words`). */
const WORD = /[\p{L}\p{N}]+/u;

export function holdScopeFrom(request: SearchRequest): HoldScopeTranslation {
  const filters = Object.entries(request as Record<string, unknown>).filter(([key, value]) => !PAGING.has(key) && value !== undefined);
  if (filters.length === 0) return { kind: 'empty' };
  const scope: HoldScope = { custodians: [], participants: [], channels: [] };
  const reasons: string[] = [];
  for (const [key, value] of filters) {
    switch (key) {
      case 'text': {
        const text = String(value);
        if (SYNTAX.test(text))
          reasons.push(
            'Its text uses search syntax (quotes, *, AND, OR, NOT or parentheses); a hold’s words must simply all appear. Search with plain words instead.',
          );
        else if (!WORD.test(text)) reasons.push('Its text has no words a hold could look for.');
        else scope.query = text;
        break;
      }
      case 'employeeId':
        scope.custodians = [String(value)];
        break;
      case 'participant':
        scope.participants = [String(value)];
        break;
      case 'channel':
        scope.channels = [String(value)];
        break;
      case 'from':
        scope.from = instant(String(value), 'start');
        break;
      case 'to':
        scope.to = instant(String(value), 'end');
        break;
      default:
        reasons.push(NO_HOLD_EQUIVALENT[key]?.(value) ?? `Its “${key}” filter has no equivalent in a hold.`);
    }
  }
  return reasons.length > 0 ? { kind: 'refused', reasons } : { kind: 'scope', scope };
}

/**
 * A search's date bound as a hold's instant. A day alone is a whole UTC day, as the search reads it:
 * `from` its start, `to` the start of the next day (a hold's `to` is exclusive, the search's day included).
 */
export function instant(value: string, bound: 'start' | 'end'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const day = new Date(`${value}T00:00:00.000Z`);
  if (bound === 'end') day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString();
}

/** The search as an export's scope: its filters, without what only pages or orders the hits. */
export function exportQueryFrom(request: SearchRequest): Record<string, unknown> | null {
  const query = Object.fromEntries(Object.entries(request as Record<string, unknown>).filter(([key, value]) => !PAGING.has(key) && value !== undefined));
  return Object.keys(query).length > 0 ? query : null;
}

export interface ScopePart {
  label: string;
  value: string;
}

/** A hold scope in words, one part per key given. */
export function holdScopeParts(scope: HoldScope): ScopePart[] {
  const parts: ScopePart[] = [];
  if (scope.custodians.length) parts.push({ label: 'Custodians', value: scope.custodians.join(', ') });
  if (scope.participants.length) parts.push({ label: 'Participants', value: scope.participants.join(', ') });
  if (scope.channels.length) parts.push({ label: 'Channels', value: scope.channels.map(channelLabel).join(', ') });
  if (scope.from) parts.push({ label: 'Sent at or after', value: formatUtc(scope.from) });
  if (scope.to) parts.push({ label: 'Sent before', value: formatUtc(scope.to) });
  if (scope.query) parts.push({ label: 'Words in the text', value: scope.query });
  return parts;
}

/** One line for a table cell: "Custodians: e-1042; Channels: WhatsApp". */
export function holdScopeLine(scope: HoldScope): string {
  const parts = holdScopeParts(scope);
  return parts.length ? parts.map((p) => `${p.label}: ${p.value}`).join('; ') : 'Nothing (no criterion)';
}

/** Filters of the search by name; an export's query may also name what the search form has no field for. */
const QUERY_LABELS: Record<string, string> = { ...FILTER_NAME, conversation: 'Conversation', unmapped: 'Unmapped participant' };

/** A search (an export's `query`) in words, one part per filter. */
export function searchParts(query: Record<string, unknown>): ScopePart[] {
  return Object.entries(query)
    .filter(([key, value]) => !PAGING.has(key) && value !== undefined)
    .map(([key, value]) => ({ label: QUERY_LABELS[key] ?? key, value: queryValue(key, value) }));
}

function queryValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'only' : 'never';
  const text = String(value);
  if (key === 'channel') return channelLabel(text);
  if (key === 'kind') return kindLabel(text);
  if (key === 'direction') return directionLabel(text);
  if (key === 'to' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text} (included)`;
  return text;
}

/** What an export produces, in words; `holdMatter` names a hold when the page knows it. */
export function exportScopeLine(scope: ExportScope, holdMatter?: string): string {
  if (scope.holdId) return `Legal hold: ${holdMatter ?? scope.holdId}`;
  if (scope.conversationIds) return `${count(scope.conversationIds.length, 'conversation')}`;
  if (scope.recordIds) return `${count(scope.recordIds.length, 'record')}`;
  const parts = searchParts(scope.query ?? {});
  return parts.length ? `Search: ${parts.map((p) => `${p.label}: ${p.value}`).join('; ')}` : 'Search: every record';
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** "RSMF, EML, PDF": the formats' names as the export form offers them. */
export function formatNames(formats: readonly ExportFormat[]): string {
  return formats.map((f) => EXPORT_FORMAT_CHOICES.find((c) => c.value === f)?.label ?? f).join(', ');
}
