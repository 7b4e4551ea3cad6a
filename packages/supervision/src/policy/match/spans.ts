/** A UTF-16 [start, end) range of the original text. */
export interface HitSpan {
  start: number;
  end: number;
}

/** Sorted, overlapping and touching spans joined: the characters of 保证 become one span, "text me" stays two. */
export function mergeSpans(spans: readonly HitSpan[]): HitSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: HitSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}
