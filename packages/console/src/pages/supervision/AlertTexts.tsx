import { Marked } from '../../components/Marked';
import { alertTexts } from '../../supervision-highlight';
import type { AlertHit, TaggedPassage } from '../../supervision-types';

const TAG_LABELS: Record<TaggedPassage['kind'], string> = { quoted: 'quoted text', signature: 'signature', disclaimer: 'disclaimer' };

/**
 * The texts the alert was raised on, as archived (read back from WORM with their hashes checked),
 * the hit's words in <mark> at the matcher's offsets into the ORIGINAL text. A screen reader hears
 * how many passages are marked, and each <mark> as it reads. Quoted text, signatures and
 * disclaimers are de-emphasised and named, never hidden.
 */
export function AlertTexts({ zones, hit, tagged }: { zones: Record<string, string>; hit?: AlertHit; tagged?: Record<string, TaggedPassage[]> }) {
  const texts = alertTexts(zones, hit, tagged);
  return (
    <section aria-labelledby="alert-texts-heading">
      <h2 id="alert-texts-heading">{hit ? 'Flagged text' : 'Sampled text'}</h2>
      {texts.length === 0 && <p className="empty">The record has no text to show (an attachment or a call without a transcript).</p>}
      {texts.map((t) => (
        <div key={t.zone} className="zone">
          <h3>
            {t.label}
            {t.marks > 0 && (
              <span className="tag tag-hit">
                {t.marks} {t.marks === 1 ? 'passage' : 'passages'} marked
              </span>
            )}
          </h3>
          {t.outOfRange && <p className="attention">The hit’s offsets do not fit this text: the marks below may not be where the policy matched.</p>}
          <p className="message-text">
            {t.parts.map((part, i) =>
              part.tag ? (
                <span key={i} className="tagged-passage">
                  <span className="tagged-label">{TAG_LABELS[part.tag]}: </span>
                  <Marked segments={part.segments} />
                </span>
              ) : (
                <Marked key={i} segments={part.segments} />
              ),
            )}
          </p>
        </div>
      ))}
    </section>
  );
}
