import { RejectedInputError } from '@custody/errors';
import type { IndexDoc } from '../document';
import { recordMappings } from '../opensearch/mappings';

/** The projection's fields: OpenSearch's mapping is `dynamic: strict`, so anything else is refused. */
const FIELDS = new Set(Object.keys(recordMappings.properties));
/** strict_date_optional_time (the mapping's date format): date, then optional time, then optional zone. */
const DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Why OpenSearch would refuse the document, in its words; null when it would index it. */
export function rejection(doc: IndexDoc): string | null {
  if (typeof doc.id !== 'string' || doc.id.length === 0 || Buffer.byteLength(doc.id) > 512) return 'illegal_argument_exception: id must be 1 to 512 bytes';
  if (typeof doc.tenant !== 'string') return 'mapper_parsing_exception: failed to parse field [tenant]';
  const unknown = Object.keys(doc).find((k) => !FIELDS.has(k) && (doc as unknown as Record<string, unknown>)[k] !== undefined);
  if (unknown) return `strict_dynamic_mapping_exception: mapping set to strict, dynamic introduction of [${unknown}] within [_doc] is not allowed`;
  for (const field of ['sentAt', 'capturedAt'] as const) {
    const value: unknown = doc[field];
    if (typeof value !== 'string' || Number.isNaN(epochMillis(value))) {
      return `mapper_parsing_exception: failed to parse field [${field}] of type [date]`;
    }
  }
  return null;
}

/** Epoch milliseconds as OpenSearch reads a date: a time without a zone is UTC, not local time. NaN if invalid. */
export function epochMillis(value: string): number {
  const m = DATE.exec(value);
  if (!m) return NaN;
  const [, date, time, zone] = m;
  if (time === undefined) return Date.parse(date);
  const offset = zone === undefined || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  return Date.parse(`${date}T${time}${offset}`);
}

export function queryDate(value: string): number {
  const ms = epochMillis(value);
  if (Number.isNaN(ms)) throw new RejectedInputError('invalid_query', `${value} is not a date the index understands`);
  return ms;
}
