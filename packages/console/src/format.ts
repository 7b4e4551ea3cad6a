import type { Span } from './types';

/**
 * Display helpers, pure so the unit tests pin them. Times are shown in UTC on purpose: a reviewer
 * compares them with exports, audit records and the regulator's timeline, all in UTC, and two
 * reviewers in different time zones must read the same time for the same record.
 */

/** "2026-11-29T14:03:27.120Z" → "2026-11-29 14:03 UTC"; anything unparseable is shown as given. */
export function formatUtc(iso: string, withSeconds = false): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = new Date(t).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, withSeconds ? 19 : 16)} UTC`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** A run of text, marked or not: rendered as text nodes and <mark> elements, never as HTML. */
export interface Segment {
  text: string;
  mark: boolean;
}

/**
 * Cut `text` into marked and unmarked runs at the API's highlight offsets ([start, end), UTF-16, the
 * units of a JS string). Offsets are clamped, sorted and merged, so a malformed or overlapping list
 * can never drop or repeat text: joining the runs always gives `text` back.
 */
export function splitHighlights(text: string, spans: readonly Span[] | undefined): Segment[] {
  const merged = normalizeSpans(text.length, spans ?? []);
  const out: Segment[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) out.push({ text: text.slice(at, start), mark: false });
    out.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), mark: false });
  return out;
}

/**
 * The part of a long text a hit list shows: about `max` characters around the first highlight (so
 * the match is in view), with "…" where text was left out, and the highlights moved to match.
 */
export function snippet(text: string, spans: readonly Span[] | undefined, max = 240): Segment[] {
  const merged = normalizeSpans(text.length, spans ?? []);
  if (text.length <= max) return splitHighlights(text, merged);
  const lead = Math.floor(max / 4);
  let start = merged.length > 0 ? Math.max(0, merged[0][0] - lead) : 0;
  start = Math.min(start, text.length - max);
  let end = start + max;
  // never cut a surrogate pair (an emoji) in half
  if (isLowSurrogate(text.charCodeAt(start))) start += 1;
  if (isLowSurrogate(text.charCodeAt(end))) end -= 1;
  const inside = merged.filter(([s, e]) => e > start && s < end).map(([s, e]): Span => [Math.max(s, start) - start, Math.min(e, end) - start]);
  const segments = splitHighlights(text.slice(start, end), inside);
  if (start > 0) segments.unshift({ text: '…', mark: false });
  if (end < text.length) segments.push({ text: '…', mark: false });
  return joinPlain(segments);
}

function normalizeSpans(length: number, spans: readonly Span[]): Span[] {
  const clean = spans
    .filter((s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isInteger(s[1]))
    .map(([s, e]): Span => [Math.max(0, Math.min(s, length)), Math.max(0, Math.min(e, length))])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  for (const span of clean) {
    const last = out[out.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push([span[0], span[1]]);
  }
  return out;
}

/** Adjacent unmarked runs as one (the "…" beside plain text), so React renders fewer nodes. */
function joinPlain(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (s.text === '') continue;
    if (last && !last.mark && !s.mark) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** "Ana Ruiz (+447700900123)", or the identifier alone when the platform gave no name. */
export function personLabel(value: string, displayName?: string): string {
  return displayName && displayName !== value ? `${displayName} (${value})` : value;
}
