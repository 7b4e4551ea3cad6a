import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { postWebhook, whatsappDelivery } from './whatsapp';
import { waitFor } from './wait';

/**
 * One WhatsApp conversation with a whole later history, through the real webhook: messages, a reply,
 * an edit, a reaction, a revoke (deletion), a reaction to a message never captured, and enough
 * messages after them to page through. Each event a second apart, in this order.
 */
export interface ConversationFixture {
  conversationId: string;
  /** Record ids in thread order, by role. */
  ids: Record<'first' | 'reply' | 'edit' | 'reaction' | 'revoke' | 'orphanReaction', string> & { more: string[] };
  /** Every record id, in thread order. */
  all: string[];
}

export async function captureConversation(baseUrl: string, instance: string, appSecret: string, token: string): Promise<ConversationFixture> {
  const customer = `1650555${String(1000 + (randomBytes(2).readUInt16BE() % 9000))}`;
  const wamid = (name: string) => `wamid.${name}.${randomBytes(8).toString('hex')}`;
  const t0 = Math.floor(Date.now() / 1000) - 600;
  const w = { first: wamid('first'), reply: wamid('reply'), edit: wamid('edit'), reaction: wamid('react'), revoke: wamid('revoke'), orphan: wamid('orphan') };
  const more = Array.from({ length: 5 }, (_, i) => wamid(`more${i}`));
  const events: Array<Record<string, unknown>> = [
    { id: w.first, type: 'text', text: { body: 'Can you buy 200 shares of ACME?' } },
    { id: w.reply, type: 'text', text: { body: 'At market, please' }, context: { from: customer, id: w.first } },
    { id: w.edit, type: 'edit', edit: { original_message_id: w.first, message: { type: 'text', text: { body: 'Can you buy 300 shares of ACME?' } } } },
    { id: w.reaction, type: 'reaction', reaction: { message_id: w.reply, emoji: '👍' } },
    { id: w.revoke, type: 'revoke', revoke: { original_message_id: w.reply } },
    { id: w.orphan, type: 'reaction', reaction: { message_id: wamid('never-captured'), emoji: '❤️' } },
    ...more.map((id, i) => ({ id, type: 'text', text: { body: `follow-up ${i}` } })),
  ];
  const ids: string[] = [];
  for (const [i, e] of events.entries()) {
    const body = JSON.stringify(
      whatsappDelivery({
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: customer }],
        messages: [{ from: customer, timestamp: String(t0 + i), ...e }],
      }),
    );
    const res = await postWebhook(baseUrl, instance, body, appSecret);
    if (res.status !== 200) throw new Error(`webhook ${i} answered ${res.status}: ${await res.text()}`);
    ids.push(...((await res.json()) as { ids: string[] }).ids);
  }
  const conversationId = `whatsapp:106540352242922:${customer}`;
  await waitFor('the whole conversation indexed', async () => {
    const r = await fetch(`${baseUrl}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversation: conversationId, size: 50 }),
    });
    const found = (await r.json()) as { total: number };
    return found.total === events.length ? true : undefined;
  });
  const [first, reply, edit, reaction, revoke, orphanReaction, ...rest] = ids;
  return { conversationId, ids: { first, reply, edit, reaction, revoke, orphanReaction, more: rest }, all: ids };
}

export async function getJson(baseUrl: string, path: string, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

export interface RunningForConversations {
  url: string;
  /** The WhatsApp instance's webhook id and app secret. */
  instance: string;
  appSecret: string;
  tokens: Record<'compliance' | 'auditor' | 'admin' | 'otherTenant', string>;
  stop(): Promise<void>;
  /** Alters the archived bytes of a record behind the store's back, where the store allows it at all (a directory; never S3 with Object Lock). */
  tamper?: (recordId: string) => void;
}

/** GET /v1/conversations/:id and /v1/records/:id/context: the same tests on every adapter set. */
export function conversationViewSuite(name: string, start: () => Promise<RunningForConversations>, opts: { tamperable: boolean }): void {
  describe(`conversation view: ${name}`, () => {
    let c: RunningForConversations;
    let fx: ConversationFixture;
    const conv = (query = '') => `/v1/conversations/${encodeURIComponent(fx.conversationId)}${query}`;

    beforeAll(async () => {
      c = await start();
      fx = await captureConversation(c.url, c.instance, c.appSecret, c.tokens.compliance);
    });
    afterAll(async () => {
      await c?.stop();
    });

    test('a page folds each message’s later history in and hides nothing', async () => {
      const { status, body } = await getJson(c.url, conv('?limit=6'), c.tokens.compliance);
      expect(status).toBe(200);
      expect(body.conversation).toMatchObject({ id: fx.conversationId, type: 'direct', channels: ['whatsapp'] });
      expect(body.events.map((e: { id: string }) => e.id)).toEqual(fx.all.slice(0, 6));
      const [first, reply, edit, reaction, revoke, orphan] = body.events;
      // edits: a version list, original first; the original record's own text unchanged
      expect(first.text).toBe('Can you buy 200 shares of ACME?');
      expect(first.versions.map((v: { text: string; recordId: string }) => [v.recordId, v.text])).toEqual([
        [fx.ids.first, 'Can you buy 200 shares of ACME?'],
        [fx.ids.edit, 'Can you buy 300 shares of ACME?'],
      ]);
      // a deleted message keeps its text, marked with who deleted it and when
      expect(reply.text).toBe('At market, please');
      expect(reply.deletions).toEqual([{ recordId: fx.ids.revoke, at: revoke.sentAt, by: expect.objectContaining({ kind: 'phone' }) }]);
      expect(reply.reactions).toEqual([expect.objectContaining({ recordId: fx.ids.reaction, emoji: '👍', removed: false })]);
      expect(reply.replyTo).toMatchObject({
        id: fx.ids.first,
        captured: true,
        href: `/v1/records/${fx.ids.first}`,
        excerpt: 'Can you buy 200 shares of ACME?',
      });
      // the revising records keep their place, naming what they fold into
      expect(edit).toMatchObject({ kind: 'edit', revises: { id: fx.ids.first, captured: true } });
      expect(reaction).toMatchObject({ kind: 'reaction', emoji: '👍', revises: { id: fx.ids.reply, captured: true } });
      expect(revoke).toMatchObject({ kind: 'deletion', revises: { id: fx.ids.reply, captured: true } });
      expect(orphan).toMatchObject({ kind: 'reaction', emoji: '❤️', revises: { captured: false, href: null } });
      // every event read back from WORM with both hashes checked
      for (const e of body.events) {
        expect(e.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
        expect(e.archive.key).toContain(e.id);
        expect(e.archive.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(body.page.older).toBeNull();
      expect(body.page.newer).toEqual(expect.any(String));
    });

    test('pages forward to the end and back to the start, every record exactly once each way', async () => {
      const forward: string[] = [];
      let page: any = { newer: undefined };
      let cursor: string | undefined;
      do {
        const { status, body } = await getJson(c.url, conv(`?limit=3${cursor ? `&after=${cursor}` : ''}`), c.tokens.auditor);
        expect(status).toBe(200);
        forward.push(...body.events.map((e: { id: string }) => e.id));
        page = body.page;
        cursor = page.newer ?? undefined;
      } while (cursor && forward.length < 50);
      expect(forward).toEqual(fx.all);
      const backward: string[][] = [];
      cursor = page.older;
      while (cursor && backward.length < 20) {
        const { body } = await getJson(c.url, conv(`?limit=3&before=${cursor}`), c.tokens.compliance);
        backward.unshift(body.events.map((e: { id: string }) => e.id));
        cursor = body.page.older ?? undefined;
      }
      // the last forward page plus every page read backwards before it is the whole thread, in order
      const lastPageLength = fx.all.length % 3 || 3;
      expect(backward.flat()).toEqual(fx.all.slice(0, fx.all.length - lastPageLength));
    });

    test('context centres the thread on a record, with cursors to read on both ways', async () => {
      const target = fx.ids.more[0];
      const { status, body } = await getJson(c.url, `/v1/records/${target}/context?before=2&after=1`, c.tokens.compliance);
      expect(status).toBe(200);
      expect(body.focus).toBe(target);
      const at = fx.all.indexOf(target);
      expect(body.events.map((e: { id: string }) => e.id)).toEqual(fx.all.slice(at - 2, at + 2));
      const older = await getJson(c.url, conv(`?limit=50&before=${body.page.older}`), c.tokens.compliance);
      expect(older.body.events.map((e: { id: string }) => e.id)).toEqual(fx.all.slice(0, at - 2));
      const newer = await getJson(c.url, conv(`?limit=50&after=${body.page.newer}`), c.tokens.compliance);
      expect(newer.body.events.map((e: { id: string }) => e.id)).toEqual(fx.all.slice(at + 2));
    });

    test('search counts the thread by kind and direction over every hit, with the page asked for', async () => {
      const res = await fetch(`${c.url}/v1/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.tokens.compliance}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversation: fx.conversationId, size: 2, facets: ['kind', 'direction'] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { total: number; hits: unknown[]; facets: unknown };
      expect(body.total).toBe(fx.all.length);
      expect(body.hits).toHaveLength(2);
      // and the words a text query matched come back as offsets into each hit's text
      const hit = await fetch(`${c.url}/v1/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.tokens.compliance}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversation: fx.conversationId, text: 'acm* NOT "300 shares"' }),
      });
      const found = (await hit.json()) as { hits: Array<{ id: string; text: string; highlights: { text: Array<[number, number]> } }> };
      expect(found.hits.map((h) => h.id)).toEqual([fx.ids.first]);
      expect(found.hits[0].highlights.text.map(([s, e]) => found.hits[0].text.slice(s, e))).toEqual(['ACME']);
      expect(body.facets).toEqual({
        kind: [
          { value: 'message', count: 7 },
          { value: 'reaction', count: 2 },
          { value: 'deletion', count: 1 },
          { value: 'edit', count: 1 },
        ],
        direction: [{ value: 'inbound', count: 11 }],
      });
    });

    test('another tenant cannot read or name the conversation; roles and bad cursors are refused', async () => {
      expect((await getJson(c.url, conv(), c.tokens.otherTenant)).status).toBe(404);
      expect((await getJson(c.url, `/v1/records/${fx.ids.first}/context`, c.tokens.otherTenant)).status).toBe(404);
      expect((await getJson(c.url, conv(), c.tokens.admin)).status).toBe(403);
      const bad = await getJson(c.url, conv('?after=not-a-cursor'), c.tokens.compliance);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_query');
      expect((await getJson(c.url, conv('?after=x&before=y'), c.tokens.compliance)).status).toBe(400);
      expect((await getJson(c.url, `/v1/conversations/${encodeURIComponent('whatsapp:106540352242922:nobody')}`, c.tokens.compliance)).status).toBe(404);
    });

    // last: it leaves the conversation unreadable. Only where the store can be altered at all (a directory; S3 with Object Lock refuses)
    if (opts.tamperable)
      test('a record altered in the archive fails the page with an error naming it; the index is never served instead', async () => {
        c.tamper!(fx.ids.reply);
        const { status, body } = await getJson(c.url, conv(), c.tokens.compliance);
        expect(status).toBe(500);
        expect(body.error).toMatchObject({ code: 'integrity_violation', message: expect.stringContaining(fx.ids.reply) });
        // it names the record's key, never a path of the machine
        expect(body.error.message).not.toContain(tmpdir());
      });
  });
}
