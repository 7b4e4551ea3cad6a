import { splitHighlights, type Segment } from './format';
import { ZONES, type AlertHit, type TaggedPassage } from './supervision-types';
import type { Span } from './types';

/**
 * The texts an alert was raised on, as the review screen shows them: every zone the API read back
 * from WORM, in the order hits are reported, the hit's spans marked on the ORIGINAL text (the
 * matcher's UTF-16 offsets, which are the units of a JS string). Pure, so the unit tests pin it.
 */

export interface ZoneText {
  zone: string;
  label: string;
  segments: Segment[];
  /**
   * The same text cut where tagged passages (quoted text, signatures, disclaimers) begin and end:
   * each part with its own marks, `tag` naming what a de-emphasised part is. Joined, the parts are
   * the whole text.
   */
  parts: Array<{ tag?: TaggedPassage['kind']; segments: Segment[] }>;
  /** Passages marked in this zone (adjacent or overlapping spans count once). */
  marks: number;
  /**
   * Spans that reach past the end of the text: the text is not the one the hit was found in (or the
   * offsets are not UTF-16), so the reviewer is told rather than shown a highlight in the wrong place.
   */
  outOfRange: boolean;
}

const LABELS: Record<string, string> = { subject: 'Subject', body: 'Message', attachmentNames: 'Attachment names', transcript: 'Call transcript' };

export function zoneLabel(zone: string): string {
  return LABELS[zone] ?? zone;
}

/** The zones with text, in ZONES order then any other the API sent, the hit's zone marked. */
export function alertTexts(
  zones: Readonly<Record<string, string>>,
  hit?: Pick<AlertHit, 'zone' | 'spans'>,
  tagged: Readonly<Record<string, readonly TaggedPassage[]>> = {},
): ZoneText[] {
  const known: readonly string[] = ZONES;
  const names = [...ZONES.filter((z) => z in zones), ...Object.keys(zones).filter((z) => !known.includes(z))];
  return names
    .filter((zone) => zones[zone] !== '')
    .map((zone) => {
      const text = zones[zone];
      const spans: Span[] = hit && hit.zone === zone ? hit.spans.map((s): Span => [s.start, s.end]) : [];
      const segments = splitHighlights(text, spans);
      return {
        zone,
        label: zoneLabel(zone),
        segments,
        parts: taggedParts(text, spans, tagged[zone] ?? []),
        marks: segments.filter((s) => s.mark).length,
        outOfRange: spans.some(([start, end]) => start < 0 || end > text.length || end <= start),
      };
    });
}

/** The words the hit marked, as a reviewer reads them out ("guarantee … return"). */
export function markedWords(texts: readonly ZoneText[]): string[] {
  return texts.flatMap((t) => t.segments.filter((s) => s.mark).map((s) => s.text));
}

/** The text cut at tagged passages (sorted, overlaps and passages outside the text dropped), each part's marks moved to it. */
function taggedParts(text: string, spans: readonly Span[], tags: readonly TaggedPassage[]): ZoneText['parts'] {
  const cuts: Array<{ start: number; end: number; tag?: TaggedPassage['kind'] }> = [];
  let at = 0;
  for (const t of [...tags].sort((a, b) => a.start - b.start)) {
    if (t.start < at || t.end > text.length || t.end <= t.start) continue;
    if (t.start > at) cuts.push({ start: at, end: t.start });
    cuts.push({ start: t.start, end: t.end, tag: t.kind });
    at = t.end;
  }
  if (at < text.length || cuts.length === 0) cuts.push({ start: at, end: text.length });
  return cuts.map(({ start, end, tag }) => {
    const inside = spans.flatMap(([s, e]): Span[] => (e > start && s < end ? [[Math.max(s, start) - start, Math.min(e, end) - start]] : []));
    return { ...(tag && { tag }), segments: splitHighlights(text.slice(start, end), inside) };
  });
}
