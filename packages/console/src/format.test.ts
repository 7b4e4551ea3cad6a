import { highlight, parseTextQuery } from '@custody/search-index';
import { formatUtc, personLabel, snippet, splitHighlights, type Segment } from './format';

const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');
const marked = (segments: Segment[]) => segments.filter((s) => s.mark).map((s) => s.text);

describe('formatUtc', () => {
  it('shows an instant as a UTC minute', () => {
    expect(formatUtc('2026-11-29T14:03:27.120Z')).toBe('2026-11-29 14:03 UTC');
    expect(formatUtc('2026-11-29T14:03:27Z', true)).toBe('2026-11-29 14:03:27 UTC');
  });

  it('converts an instant with an offset to UTC', () => {
    expect(formatUtc('2026-11-30T01:03:00+11:00')).toBe('2026-11-29 14:03 UTC');
  });

  it('shows what it cannot parse as given', () => {
    expect(formatUtc('yesterday')).toBe('yesterday');
  });
});

describe('splitHighlights', () => {
  it('cuts text into marked and unmarked runs at [start, end) offsets', () => {
    expect(splitHighlights('call acme today', [[5, 9]])).toEqual([
      { text: 'call ', mark: false },
      { text: 'acme', mark: true },
      { text: ' today', mark: false },
    ]);
  });

  it('returns the text unmarked without highlights', () => {
    expect(splitHighlights('plain', undefined)).toEqual([{ text: 'plain', mark: false }]);
    expect(splitHighlights('', [])).toEqual([{ text: '', mark: false }]);
  });

  it('sorts, merges and clamps offsets so no text is lost or repeated', () => {
    const text = 'alpha beta gamma';
    const segments = splitHighlights(text, [
      [11, 16],
      [0, 5],
      [3, 8],
      [14, 99],
      [-4, -1],
      [7, 7],
    ]);
    expect(joined(segments)).toBe(text);
    expect(marked(segments)).toEqual(['alpha be', 'gamma']);
  });

  it('keeps markup in archived text as text (it is rendered as text nodes, never as HTML)', () => {
    const text = '<img src=x onerror=alert(1)> acme';
    const segments = splitHighlights(text, [[29, 33]]);
    expect(segments[0]).toEqual({ text: '<img src=x onerror=alert(1)> ', mark: false });
    expect(marked(segments)).toEqual(['acme']);
  });

  it("renders the server's own highlight offsets on the words they match", () => {
    const text = 'We filled the Acme order; the acmecorp deal is off';
    const tree = parseTextQuery('fill acme*');
    if (!tree) throw new Error('the query parses to nothing');
    const spans = highlight(tree, { text }).text;
    expect(marked(splitHighlights(text, spans))).toEqual(['filled', 'Acme', 'acmecorp']);
  });
});

describe('snippet', () => {
  it('shows a short text whole', () => {
    expect(snippet('short text', [[0, 5]])).toEqual([
      { text: 'short', mark: true },
      { text: ' text', mark: false },
    ]);
  });

  it('cuts a long text around its first highlight, with ellipses where text is left out', () => {
    const text = `${'x'.repeat(500)} needle ${'y'.repeat(500)}`;
    const segments = snippet(text, [[501, 507]], 100);
    expect(marked(segments)).toEqual(['needle']);
    expect(segments[0].text.startsWith('…')).toBe(true);
    expect(segments[segments.length - 1].text.endsWith('…')).toBe(true);
    expect(joined(segments).length).toBeLessThanOrEqual(102);
  });

  it('starts a long text without highlights at its beginning', () => {
    const segments = snippet('a'.repeat(300), undefined, 100);
    expect(joined(segments)).toBe(`${'a'.repeat(100)}…`);
  });

  it('never cuts an emoji in half', () => {
    const text = `${'😀'.repeat(200)}`;
    const out = joined(snippet(text, [[200, 202]], 51));
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe('personLabel', () => {
  it('names a person with their identifier, or the identifier alone', () => {
    expect(personLabel('+447700900123', 'Ana Ruiz')).toBe('Ana Ruiz (+447700900123)');
    expect(personLabel('+447700900123')).toBe('+447700900123');
    expect(personLabel('ana@example.com', 'ana@example.com')).toBe('ana@example.com');
  });
});
