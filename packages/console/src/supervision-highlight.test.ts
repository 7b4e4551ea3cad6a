import { alertTexts, markedWords, zoneLabel } from './supervision-highlight';

describe('an alert’s texts', () => {
  const body = 'I guarantee you a 10% return';

  it('marks the hit’s spans on the original text of its zone, and nowhere else', () => {
    const texts = alertTexts(
      { body, subject: 'Returns' },
      {
        zone: 'body',
        spans: [
          { start: 2, end: 11 },
          { start: 22, end: 28 },
        ],
      },
    );
    expect(texts.map((t) => t.zone)).toEqual(['subject', 'body']);
    expect(texts[0]).toMatchObject({ label: 'Subject', marks: 0, segments: [{ text: 'Returns', mark: false }] });
    expect(texts[1].segments).toEqual([
      { text: 'I ', mark: false },
      { text: 'guarantee', mark: true },
      { text: ' you a 10% ', mark: false },
      { text: 'return', mark: true },
    ]);
    expect(texts[1]).toMatchObject({ label: 'Message', marks: 2, outOfRange: false });
    expect(markedWords(texts)).toEqual(['guarantee', 'return']);
  });

  it('counts UTF-16 units, so text after an emoji or in CJK is marked where the matcher found it', () => {
    const text = '🚀 保证收益 now';
    const [zone] = alertTexts({ body: text }, { zone: 'body', spans: [{ start: 3, end: 7 }] });
    expect(markedWords([zone])).toEqual(['保证收益']);
    expect(zone.segments.map((s) => s.text).join('')).toBe(text);
  });

  it('says when a span does not fit the text instead of marking the wrong words', () => {
    const [zone] = alertTexts({ body: 'short' }, { zone: 'body', spans: [{ start: 2, end: 40 }] });
    expect(zone.outOfRange).toBe(true);
    // the text itself is never lost or repeated
    expect(zone.segments.map((s) => s.text).join('')).toBe('short');
  });

  it('leaves out empty zones, keeps zones it does not know after the known ones, and marks nothing for a sample', () => {
    const texts = alertTexts({ extra: 'x', transcript: 'hello', subject: '' });
    expect(texts.map((t) => [t.zone, t.label, t.marks])).toEqual([
      ['transcript', 'Call transcript', 0],
      ['extra', 'extra', 0],
    ]);
    expect(zoneLabel('attachmentNames')).toBe('Attachment names');
  });

  it('cuts the text at quoted passages, signatures and disclaimers, keeping every character and every mark', () => {
    const text = 'I guarantee a return\n> you said no risk\nBob';
    const [zone] = alertTexts(
      { body: text },
      {
        zone: 'body',
        spans: [
          { start: 2, end: 11 },
          { start: 32, end: 39 },
        ],
      },
      { body: [{ kind: 'quoted', start: 21, end: 40 }] },
    );
    expect(zone.parts.map((p) => p.tag)).toEqual([undefined, 'quoted', undefined]);
    expect(zone.parts.flatMap((p) => p.segments.map((s) => s.text)).join('')).toBe(text);
    expect(zone.parts.flatMap((p) => p.segments.filter((s) => s.mark).map((s) => s.text))).toEqual(['guarantee', 'no risk']);
  });
});
