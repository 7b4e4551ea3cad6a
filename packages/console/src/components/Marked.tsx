import type { Segment } from '../format';

/**
 * Text with its matched words in <mark>: every run is a text node React escapes, so archived text
 * (anyone's message, possibly hostile markup) can never become HTML in the console.
 */
export function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}
