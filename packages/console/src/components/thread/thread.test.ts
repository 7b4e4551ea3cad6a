import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ThreadAttachment, ThreadEvent, ThreadPerson } from '../../thread-types';
import { Attachment } from './Attachments';
import { QUOTE_CHARS } from './Quote';
import { ThreadItem } from './ThreadItem';
import { VerificationBadge } from './VerificationBadge';

/*
 * The thread's rendering, as markup: react-dom/server in the node environment of the unit project
 * (no DOM needed), createElement instead of JSX (jest here transforms *.ts only). Events are shaped
 * exactly as GET /v1/conversations/:id returns them (packages/review thread-view.ts).
 */

const ID = (c: string) => c.repeat(40);
const CONVERSATION = 'whatsapp:106540352242922:16505551234';
const ctx = { conversationId: CONVERSATION, zone: 'UTC' };

const sheena: ThreadPerson = { kind: 'phone', value: '+16505551234', displayName: 'Sheena Nelson', employeeId: null };
const trader: ThreadPerson = { kind: 'phone', value: '+15550783881', displayName: 'Desk 2', employeeId: 'emp-7' };

function event(over: Partial<ThreadEvent> = {}): ThreadEvent {
  const id = over.id ?? ID('a');
  return {
    id,
    kind: 'message',
    channel: 'whatsapp',
    sentAt: '2025-01-01T10:00:00.000Z',
    capturedAt: '2025-01-01T10:00:01.000Z',
    direction: 'inbound',
    sender: sheena,
    recipients: [trader],
    subject: null,
    text: 'Can you buy 200 shares of ACME?',
    format: null,
    action: null,
    attachments: [],
    replyTo: null,
    revises: null,
    emoji: null,
    status: null,
    editedAt: null,
    versions: [],
    deletions: [],
    reactions: [],
    call: null,
    href: `/v1/records/${id}`,
    archive: {
      key: `tenants/acme/records/${id}.json`,
      versionId: 'v1',
      sha256: 'f'.repeat(64),
      size: 900,
      retentionMode: 'COMPLIANCE',
      retainUntil: '2032-01-01T00:00:00.000Z',
      legalHold: false,
    },
    verification: { objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match', logSequence: 12 },
    holds: [],
    ...over,
  };
}

const render = (e: ThreadEvent, hit = false) => renderToStaticMarkup(createElement(ThreadItem, { event: e, ctx, hit }));
/** The markup's text, tags dropped, entities decoded: what a reader reads. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('a message', () => {
  it('shows sender, time in the chosen zone and text, on the side its direction says', () => {
    const inbound = render(event());
    expect(inbound).toContain('bubble-external');
    expect(text(inbound)).toContain('Sheena Nelson (+16505551234)');
    expect(inbound).toContain('<time dateTime="2025-01-01T10:00:00.000Z">2025-01-01 10:00:00 UTC</time>');
    expect(text(inbound)).toContain('Can you buy 200 shares of ACME?');

    expect(render(event({ direction: 'outbound', sender: trader }))).toContain('bubble-employee');
    expect(render(event({ direction: 'unknown' }))).toContain('bubble-external');

    const tokyo = renderToStaticMarkup(createElement(ThreadItem, { event: event(), ctx: { ...ctx, zone: 'Asia/Tokyo' } }));
    expect(tokyo).toContain('2025-01-01 19:00:00 UTC+09:00');
  });

  it('renders archived markup as text, never as HTML', () => {
    const html = render(event({ text: '<img src=x onerror=alert(1)>' }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('marks the search hit', () => {
    expect(text(render(event(), true))).toContain('Search hit');
    expect(text(render(event()))).not.toContain('Search hit');
  });
});

describe('an edited message', () => {
  const edited = event({
    versions: [
      { recordId: ID('a'), sentAt: '2025-01-01T10:00:00.000Z', by: sheena, text: 'Can you buy 200 shares of ACME?', original: true },
      { recordId: ID('b'), sentAt: '2025-01-01T10:01:00.000Z', by: sheena, text: 'Can you buy 300 shares of ACME?', original: false },
      { recordId: ID('c'), sentAt: '2025-01-01T10:05:00.000Z', by: sheena, text: 'Can you buy 350 shares of ACME?', original: false },
    ],
  });
  const html = render(edited);

  it('shows the current text and an "edited" marker', () => {
    const body = /<p class="bubble-text">(.*?)<\/p>/.exec(html)?.[1];
    expect(body).toBe('Can you buy 350 shares of ACME?');
    expect(html).toContain('<span class="tag tag-edited">edited</span>');
  });

  it('lists every version in order, the original first, each with its time, behind a disclosure', () => {
    const history = /<details class="edit-history">.*?<\/details>/.exec(html)?.[0] ?? '';
    expect(history).toContain('<summary>Edit history (3 versions)</summary>');
    const at = ['200 shares', '300 shares', '350 shares'].map((t) => history.indexOf(t));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(text(history)).toContain('Original · 2025-01-01 10:00:00 UTC');
    expect(text(history)).toContain('Edit 1 · 2025-01-01 10:01:00 UTC');
    expect(text(history)).toContain('Edit 2 · 2025-01-01 10:05:00 UTC');
  });

  it('says so when the message was captured in its edited form only', () => {
    const late = render(event({ editedAt: '2025-01-01T11:00:00.000Z' }));
    expect(late).toContain('tag-edited');
    expect(text(late)).toContain('Captured as last edited at 2025-01-01 11:00:00 UTC');
    expect(late).not.toContain('edit-history');
  });

  it('an unedited message has neither marker nor history', () => {
    const plain = render(event());
    expect(plain).not.toContain('tag-edited');
    expect(plain).not.toContain('edit-history');
  });
});

describe('a deleted message', () => {
  const html = render(event({ deletions: [{ recordId: ID('d'), at: '2025-01-01T10:04:00.000Z', by: sheena }] }));

  it('keeps its text readable, struck through inside <del>', () => {
    const del = /<del[^>]*>(.*?)<\/del>/.exec(html);
    expect(del).not.toBeNull();
    expect(del![0]).toContain('dateTime="2025-01-01T10:04:00.000Z"');
    expect(text(del![1])).toBe('Deleted text: Can you buy 200 shares of ACME?');
  });

  it('says who deleted it and when', () => {
    expect(text(html)).toContain('Deleted by Sheena Nelson (+16505551234) at 2025-01-01 10:04:00 UTC');
    expect(html).toContain('tag-deleted');
  });
});

describe('reactions', () => {
  const html = render(
    event({
      reactions: [
        { recordId: ID('e'), at: '2025-01-01T10:02:00.000Z', by: trader, emoji: '👍', removed: false },
        { recordId: ID('f'), at: '2025-01-01T10:03:00.000Z', by: sheena, emoji: '', removed: true },
      ],
    }),
  );

  it('are a labelled list of emoji and who reacted; a removed one stays listed as removed', () => {
    const list = /<ul class="reactions" aria-label="Reactions">(.*?)<\/ul>/.exec(html)?.[1] ?? '';
    const items: string[] = list.match(/<li[^>]*>.*?<\/li>/g) ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('aria-label="Reaction 👍"');
    expect(text(items[0])).toContain('👍 Desk 2 (+15550783881)');
    expect(text(items[1])).toContain('Reaction removed by Sheena Nelson (+16505551234)');
  });
});

describe('a reply', () => {
  const long = `At market, please. ${'x'.repeat(300)}`;
  const html = render(
    event({
      id: ID('2'),
      replyTo: { externalId: 'wamid.first', id: ID('1'), captured: true, href: `/v1/records/${ID('1')}`, sender: trader, excerpt: long },
    }),
  );

  it('quotes the original (sender and its first 140 characters) and links to it in the thread', () => {
    const quote = /<blockquote class="quote">(.*?)<\/blockquote>/.exec(html)?.[1] ?? '';
    expect(quote).toContain(`href="/conversations/${encodeURIComponent(CONVERSATION)}?around=${ID('1')}"`);
    expect(quote).toContain(`data-jump="${ID('1')}"`);
    expect(text(quote)).toContain('Desk 2 (+15550783881)');
    const excerpt = /<span class="quote-text">(.*?)<\/span>/.exec(quote)?.[1] ?? '';
    expect(excerpt.endsWith('…')).toBe(true);
    expect(Array.from(excerpt.slice(0, -1)).length).toBeLessThanOrEqual(QUOTE_CHARS);
    expect(excerpt.startsWith('At market, please.')).toBe(true);
  });

  it('says when the quoted message was never captured', () => {
    const missing = render(event({ replyTo: { externalId: 'wamid.gone', id: ID('9'), captured: false, href: null, sender: null, excerpt: null } }));
    expect(text(missing)).toContain('Reply to a message that was never captured (vendor id wamid.gone)');
    expect(missing).not.toContain('data-jump');
  });
});

describe('attachments', () => {
  const image: ThreadAttachment = {
    id: 'img-1',
    kind: 'image',
    fileName: 'chart.png',
    mimeType: 'image/png',
    size: 24576,
    sha256: 'ab'.repeat(32),
    caption: 'The chart',
    href: `/v1/records/${ID('a')}/attachments/img-1`,
  };

  it('previews an image from its download route, with its size and SHA-256', () => {
    const html = renderToStaticMarkup(createElement(Attachment, { attachment: image }));
    expect(html).toContain(`<img src="/v1/records/${ID('a')}/attachments/img-1" alt="The chart"`);
    expect(html).toContain(`<code class="hash">${'ab'.repeat(32)}</code>`);
    expect(text(html)).toContain('(image/png, 24 KB)');
    expect(html).toContain('download="chart.png"');
  });

  it('plays a call recording and offers any other file as a download', () => {
    const recording = renderToStaticMarkup(
      createElement(Attachment, { attachment: { ...image, id: 'RE1', kind: 'recording', mimeType: 'audio/wav', fileName: null, caption: null } }),
    );
    expect(recording).toMatch(/<audio src="[^"]+" controls="" preload="none"/);
    expect(recording).toContain('aria-label="Call recording"');
    const pdf = renderToStaticMarkup(
      createElement(Attachment, { attachment: { ...image, kind: 'document', mimeType: 'application/pdf', fileName: 'terms.pdf' } }),
    );
    expect(pdf).not.toContain('<img');
    expect(pdf).not.toContain('<audio');
    expect(text(pdf)).toContain('Download terms.pdf');
  });

  it('says when the SHA-256 is not known yet', () => {
    const html = renderToStaticMarkup(createElement(Attachment, { attachment: { ...image, sha256: null } }));
    expect(text(html)).toContain('not fetched from the vendor yet');
  });
});

describe('a call', () => {
  it('shows status, direction, duration, routing and its recording', () => {
    const html = render(
      event({
        kind: 'call',
        channel: 'voice',
        direction: 'outbound',
        sender: trader,
        text: null,
        call: {
          status: 'completed',
          startedAt: '2025-01-01T12:00:00.000Z',
          endedAt: '2025-01-01T12:01:05.000Z',
          durationSec: 65,
          from: trader,
          to: sheena,
          forwardedFrom: null,
          routing: { queue: 'desk-2', hops: 2 },
          recording: { id: 'RE1', kind: 'recording', fileName: null, mimeType: 'audio/wav', size: null, sha256: null, caption: null, href: '/v1/x' },
        },
      }),
    );
    const t = text(html);
    expect(html).toContain('bubble-employee');
    expect(t).toContain('Statuscompleted');
    expect(t).toContain('Directionoutbound');
    expect(t).toContain('Duration1 min 5 s');
    expect(t).toContain('queue: desk-2');
    expect(t).toContain('hops: 2');
    expect(html).toContain('<audio');
  });
});

describe('records that revise a message keep their own place', () => {
  it('an edit, a deletion and a reaction say what they do to which message', () => {
    const target = { externalId: 'wamid.first', id: ID('1'), captured: true, href: `/v1/records/${ID('1')}`, sender: sheena, excerpt: 'x' };
    expect(text(render(event({ kind: 'edit', text: 'v2', revises: target })))).toContain('Sheena Nelson (+16505551234) edited the message of Sheena Nelson');
    expect(text(render(event({ kind: 'deletion', text: null, revises: target })))).toContain('deleted the message of');
    expect(text(render(event({ kind: 'reaction', text: null, emoji: '❤️', revises: { ...target, captured: false, sender: null, href: null } })))).toContain(
      'reacted ❤️ to a message that was never captured (vendor id wamid.first)',
    );
  });
});

describe('the verification badge', () => {
  const badge = (e: ThreadEvent) => renderToStaticMarkup(createElement(VerificationBadge, { event: e, zone: 'UTC' }));

  it('says Verified when the WORM read matched both hashes and the record log', () => {
    const html = badge(event({ holds: ['hold-7'], archive: { ...event().archive, legalHold: true } }));
    expect(html).toContain('badge-ok');
    expect(text(html)).toContain('Verified');
    expect(text(html)).not.toContain('Not verified');
    const t = text(html);
    expect(t).toContain(`Object SHA-256${'f'.repeat(64)} (match)`);
    expect(t).toContain('Locked until2032-01-01 00:00:00 UTC (compliance mode)');
    expect(t).toContain('Legal holdOn');
    expect(t).toContain('Holdshold-7');
    expect(t).toContain('Record logmatch (leaf 12)');
  });

  it('says Not verified, and why, for a record the log has not taken in yet', () => {
    const html = badge(event({ verification: { objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'pending' } }));
    expect(html).toContain('badge-not');
    expect(text(html)).toContain('Not verified: not in the record log yet');
    expect(html).not.toContain('badge-ok');
  });

  it('never says Verified without the verification of a WORM read', () => {
    const html = badge({ ...event(), verification: undefined as unknown as ThreadEvent['verification'] });
    expect(text(html)).toContain('Not verified: the server gave no verification for this record');
  });

  it('is on every record, with a link to its record page', () => {
    const html = render(event());
    expect(html).toContain('<details class="verification">');
    expect(html).toContain(`href="/records/${ID('a')}"`);
  });
});
