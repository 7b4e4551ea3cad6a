import { splitHighlights, type Segment } from './format';
import { ZONES, type AlertHit } from './supervision-types';
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
export function alertTexts(zones: Readonly<Record<string, string>>, hit?: Pick<AlertHit, 'zone' | 'spans'>): ZoneText[] {
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
        marks: segments.filter((s) => s.mark).length,
        outOfRange: spans.some(([start, end]) => start < 0 || end > text.length || end <= start),
      };
    });
}

/** The words the hit marked, as a reviewer reads them out ("guarantee … return"). */
export function markedWords(texts: readonly ZoneText[]): string[] {
  return texts.flatMap((t) => t.segments.filter((s) => s.mark).map((s) => s.text));
}
