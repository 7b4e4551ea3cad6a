import { isRetriable } from '@custody/errors';
import { uniqueName } from '@custody/testing';
import type { IndexDoc } from './document';
import type { SearchIndex } from './port';
import type { SearchQuery } from './query';

export interface IndexHarness {
  index: SearchIndex;
  cleanup(): Promise<void>;
  /** An index of the same kind whose server or directory cannot be reached (for probe). */
  unreachable(): SearchIndex;
}

/** A valid projection of a WhatsApp message of tenant `t`, with `over` on top: what the contract's tests index. */
export function contractDoc(t: string, id: string, over: Partial<IndexDoc> = {}): IndexDoc {
  return {
    id,
    tenant: t,
    kind: 'message',
    channel: 'whatsapp',
    connector: 'whatsapp-cloud',
    externalId: `wamid.${id}`,
    conversationId: `conv-${id}`,
    conversationType: 'direct',
    sender: '+16505551234',
    participants: ['+16505551234', '+15550783881'],
    employeeIds: ['emp-1'],
    unmapped: [],
    direction: 'inbound',
    sentAt: '2024-03-01T10:00:00.000Z',
    capturedAt: '2024-03-01T10:00:01.000Z',
    text: 'hello',
    attachmentCount: 0,
    refs: [],
    editedBy: [],
    deletedBy: [],
    envelopeSha256: 'a'.repeat(64),
    archive: { key: `tenants/${t}/records/${id}.json`, versionId: 'v1', sha256: 'b'.repeat(64) },
    holds: [],
    ...over,
  };
}

/** The SearchIndex port's contract (query language, paging, tenant isolation): the same tests for every adapter. */
export function searchIndexContract(name: string, make: () => Promise<IndexHarness>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let index: SearchIndex;
    let cleanup: (() => Promise<void>) | undefined;
    let unreachable: () => SearchIndex;

    beforeAll(async () => {
      ({ index, cleanup, unreachable } = await make());
      await index.ensureReady();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    /** Every test works in tenants of its own, so tests share one index without seeing each other. */
    const tenant = () => uniqueName('tenant-');

    async function upsert(...docs: IndexDoc[]): Promise<void> {
      expect(await index.bulkUpsert(docs)).toEqual([]);
      await index.refresh();
    }

    async function ids(t: string, q: SearchQuery): Promise<string[]> {
      return (await index.search(t, q)).hits.map((h) => h.id);
    }

    test('probe resolves while the index works and rejects with a retriable error when it cannot be reached', async () => {
      await expect(index.probe()).resolves.toBeUndefined();
      const err = await unreachable()
        .probe()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Error);
      expect(isRetriable(err)).toBe(true);
    });

    test('tenants are isolated in search and get', async () => {
      const [a, b] = [tenant(), tenant()];
      const mine = contractDoc(a, `${a}-1`, { text: 'quarterly numbers attached' });
      await upsert(mine, contractDoc(b, `${b}-1`, { text: 'quarterly numbers attached' }));
      expect(await index.search(a, { text: 'quarterly' })).toEqual({ total: 1, hits: [mine] });
      expect(await ids(b, {})).toEqual([`${b}-1`]);
      expect(await index.get(a, mine.id)).toEqual(mine);
      expect(await index.get(b, mine.id)).toBeNull();
      expect(await index.get(a, `${a}-missing`)).toBeNull();
    });

    test('text matches every word (AND), whatever the case and punctuation', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-buy`, { text: 'Please BUY 100 ACME shares today.', sentAt: '2024-03-01T10:00:03Z' }),
        contractDoc(t, `${t}-bonds`, { text: 'buy bonds', sentAt: '2024-03-01T10:00:02Z' }),
        contractDoc(t, `${t}-sell`, { text: 'Sell acme', sentAt: '2024-03-01T10:00:01Z' }),
        contractDoc(t, `${t}-zurich`, { text: "Treffen in ZÜRICH, 15:00 — don't be late", sentAt: '2024-03-01T10:00:00Z' }),
        contractDoc(t, `${t}-none`, { text: undefined }),
      );
      expect(await ids(t, { text: 'acme buy' })).toEqual([`${t}-buy`]);
      expect(await ids(t, { text: 'ACME, buy!' })).toEqual([`${t}-buy`]);
      expect(await ids(t, { text: 'acme' })).toEqual([`${t}-buy`, `${t}-sell`]);
      expect(await ids(t, { text: 'Buy' })).toEqual([`${t}-buy`, `${t}-bonds`]);
      expect(await ids(t, { text: "zürich DON'T" })).toEqual([`${t}-zurich`]);
      expect(await ids(t, { text: 'acme bonds' })).toEqual([]);
      // whole words (or their stems: Porter takes acme to acm), never a bare prefix
      expect(await ids(t, { text: 'ac' })).toEqual([]);
      expect(await ids(t, { text: 'shar' })).toEqual([]);
      expect(await ids(t, { text: '?!' })).toEqual([]);
    });

    test('words match by their Porter stem (fill finds filled, filling, fills); phrases and prefixes stay exact', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-filled`, { text: 'Order filled at 10:02' }),
        contractDoc(t, `${t}-filling`, { subject: 'Filling the order', text: 'in progress' }),
        contractDoc(t, `${t}-fills`, { text: 'partial fills reported' }),
        contractDoc(t, `${t}-fillet`, { text: 'fillet of sole' }),
      );
      const found = async (text: string) => (await ids(t, { text })).map((id) => id.slice(t.length + 1)).sort();
      expect(await found('fill')).toEqual(['filled', 'filling', 'fills']);
      expect(await found('FILLED orders')).toEqual(['filled', 'filling']);
      expect(await found('"order filled"')).toEqual(['filled']);
      expect(await found('"orders filled"')).toEqual([]);
      expect(await found('fille*')).toEqual(['filled', 'fillet']);
      expect(await found('fill NOT partial')).toEqual(['filled', 'filling']);
    });

    test('the query language: AND (implied), OR, NOT, parentheses, phrases and prefixes select the same records', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-1`, { text: 'Buy ACME shares at market' }),
        contractDoc(t, `${t}-2`, { text: 'sell ACME bonds' }),
        contractDoc(t, `${t}-3`, { subject: 'Fund allocation', text: 'market update for fund B' }),
        contractDoc(t, `${t}-4`, { text: 'acmecorp merger talk' }),
        contractDoc(t, `${t}-5`, { text: 'e-mail me the term sheet' }),
      );
      const found = async (text: string) => (await ids(t, { text })).map((id) => id.slice(t.length + 1)).sort();
      expect(await found('ACME')).toEqual(['1', '2']);
      expect(await found('acme shares')).toEqual(['1']);
      expect(await found('acme AND shares')).toEqual(['1']);
      expect(await found('acme OR merger')).toEqual(['1', '2', '4']);
      expect(await found('acme NOT bonds')).toEqual(['1']);
      expect(await found('acm*')).toEqual(['1', '2', '4']);
      expect(await found('ACMEC*')).toEqual(['4']);
      expect(await found('"at market"')).toEqual(['1']);
      expect(await found('"market at"')).toEqual([]);
      expect(await found('"fund allocation"')).toEqual(['3']);
      expect(await found('allocation update')).toEqual(['3']);
      expect(await found('(acme OR fund) NOT market')).toEqual(['2']);
      expect(await found('acme AND (shares OR bonds)')).toEqual(['1', '2']);
      expect(await found('e-mail')).toEqual(['5']);
      expect(await found('"term sheet" e-mail NOT acme')).toEqual(['5']);
      expect(await found('market OR "!!"')).toEqual(['1', '3']);
      expect(await found('"!!"')).toEqual([]);
      expect((await index.search(t, { text: 'acme NOT bonds' })).total).toBe(1);
    });

    test('text finds a record by its subject, alone or with words of the body, and returns the subject', async () => {
      const t = tenant();
      const mail = contractDoc(t, `${t}-mail`, {
        subject: 'Ausführungsbestätigung ACME',
        text: 'Please find the signed confirmation attached.',
        sentAt: '2024-03-01T10:00:01Z',
      });
      await upsert(mail, contractDoc(t, `${t}-chat`, { text: 'confirmation of the ACME order', sentAt: '2024-03-01T10:00:00Z' }));
      expect(await ids(t, { text: 'ausführungsbestätigung' })).toEqual([mail.id]);
      expect(await ids(t, { text: 'Ausführungsbestätigung signed' })).toEqual([mail.id]);
      expect(await ids(t, { text: 'acme confirmation' })).toEqual([mail.id, `${t}-chat`]);
      expect(await ids(t, { text: 'ausführungsbestätigung order' })).toEqual([]);
      expect((await index.get(t, mail.id))!.subject).toBe('Ausführungsbestätigung ACME');
    });

    test('every filter is an exact term on its field', async () => {
      const t = tenant();
      const one = contractDoc(t, `${t}-1`, {
        sentAt: '2024-03-01T10:00:01Z',
        channel: 'whatsapp',
        kind: 'message',
        conversationId: 'conv-A',
        participants: ['+15550000001', 'wa-1'],
        employeeIds: ['emp-A'],
        direction: 'inbound',
        holds: ['hold-A'],
      });
      const two = contractDoc(t, `${t}-2`, {
        sentAt: '2024-03-01T10:00:00Z',
        channel: 'telegram',
        kind: 'call',
        conversationId: 'conv-B',
        participants: ['+15550000002'],
        employeeIds: ['emp-B', 'emp-C'],
        direction: 'outbound',
        holds: [],
      });
      await upsert(one, two);
      expect(await ids(t, {})).toEqual([one.id, two.id]);
      expect(await ids(t, { participant: '+15550000001' })).toEqual([one.id]);
      expect(await ids(t, { participant: 'wa-1' })).toEqual([one.id]);
      expect(await ids(t, { participant: '+1555000000' })).toEqual([]);
      expect(await ids(t, { channel: 'telegram' })).toEqual([two.id]);
      expect(await ids(t, { channel: 'WhatsApp' })).toEqual([one.id]);
      expect(await ids(t, { kind: 'CALL' })).toEqual([two.id]);
      expect(await ids(t, { kind: 'call' })).toEqual([two.id]);
      expect(await ids(t, { conversation: 'conv-A' })).toEqual([one.id]);
      expect(await ids(t, { employeeId: 'emp-C' })).toEqual([two.id]);
      expect(await ids(t, { holdId: 'hold-A' })).toEqual([one.id]);
      expect(await ids(t, { channel: 'whatsapp', kind: 'call' })).toEqual([]);
      expect(await ids(t, { direction: 'outbound' })).toEqual([two.id]);
      expect(await ids(t, { direction: 'Inbound', holdId: 'hold-A' })).toEqual([one.id]);
      expect(await ids(t, { direction: 'internal' })).toEqual([]);
      expect(await ids(t, { direction: 'inbound', employeeId: 'emp-C' })).toEqual([]);
    });

    test('from is inclusive and to exclusive on sentAt, in any offset', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-10`, { sentAt: '2024-03-01T10:00:00.000Z' }),
        contractDoc(t, `${t}-11`, { sentAt: '2024-03-01T11:00:00.000Z' }),
        contractDoc(t, `${t}-12`, { sentAt: '2024-03-01T12:00:00.000Z' }),
      );
      expect(await ids(t, { from: '2024-03-01T11:00:00Z' })).toEqual([`${t}-12`, `${t}-11`]);
      expect(await ids(t, { to: '2024-03-01T12:00:00Z' })).toEqual([`${t}-11`, `${t}-10`]);
      expect(await ids(t, { from: '2024-03-01T11:00:00Z', to: '2024-03-01T12:00:00Z' })).toEqual([`${t}-11`]);
      expect(await ids(t, { from: '2024-03-01T12:00:00+01:00' })).toEqual([`${t}-12`, `${t}-11`]);
    });

    test('facets count every hit, not just the page: most frequent first, ties by value', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-1`, {
          text: 'acme order',
          channel: 'whatsapp',
          kind: 'message',
          direction: 'inbound',
          employeeIds: ['emp-a'],
          participants: ['+15550000001', '+15550000009'],
        }),
        contractDoc(t, `${t}-2`, {
          text: 'acme order',
          channel: 'whatsapp',
          kind: 'message',
          direction: 'outbound',
          employeeIds: ['emp-a', 'emp-b'],
          participants: ['+15550000002', '+15550000009'],
        }),
        contractDoc(t, `${t}-3`, {
          text: 'acme call',
          channel: 'voice',
          kind: 'call',
          direction: 'outbound',
          employeeIds: ['emp-b'],
          participants: ['+15550000009'],
        }),
        contractDoc(t, `${t}-4`, {
          text: 'unrelated',
          channel: 'sms',
          kind: 'message',
          direction: 'inbound',
          employeeIds: ['emp-c'],
          participants: ['+15550000003'],
        }),
      );
      const r = await index.search(t, { text: 'acme', size: 1, facets: ['channel', 'kind', 'direction', 'employee', 'participant'] });
      expect(r.total).toBe(3);
      expect(r.hits).toHaveLength(1);
      expect(r.facets).toEqual({
        channel: [
          { value: 'whatsapp', count: 2 },
          { value: 'voice', count: 1 },
        ],
        kind: [
          { value: 'message', count: 2 },
          { value: 'call', count: 1 },
        ],
        direction: [
          { value: 'outbound', count: 2 },
          { value: 'inbound', count: 1 },
        ],
        employee: [
          { value: 'emp-a', count: 2 },
          { value: 'emp-b', count: 2 },
        ],
        participant: [
          { value: '+15550000009', count: 3 },
          { value: '+15550000001', count: 1 },
          { value: '+15550000002', count: 1 },
        ],
      });
      // filters narrow the counts too; no facets asked, none computed
      expect((await index.search(t, { channel: 'voice', facets: ['employee'] })).facets).toEqual({ employee: [{ value: 'emp-b', count: 1 }] });
      expect((await index.search(t, { text: 'acme' })).facets).toBeUndefined();
    });

    test('relevance ranks the better match first (BM25: more occurrences, shorter text) and pages by its own cursor', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-long`, { text: 'acme mentioned once in a much longer message about many other things entirely', sentAt: '2024-03-03T00:00:00Z' }),
        contractDoc(t, `${t}-many`, { text: 'acme acme acme', sentAt: '2024-03-01T00:00:00Z' }),
        contractDoc(t, `${t}-short`, { text: 'acme order', sentAt: '2024-03-02T00:00:00Z' }),
        contractDoc(t, `${t}-none`, { text: 'nothing relevant', sentAt: '2024-03-04T00:00:00Z' }),
      );
      const expected = [`${t}-many`, `${t}-short`, `${t}-long`];
      expect(await ids(t, { text: 'acme', sort: 'relevance' })).toEqual(expected);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await index.search(t, { text: 'acme', sort: 'relevance', size: 1, cursor });
        paged.push(...page.hits.map((h) => h.id));
        cursor = page.cursor;
      } while (cursor && paged.length < 10);
      expect(paged).toEqual(expected);
      // with other filters: the conversation narrows, the ranking stays
      expect(await ids(t, { text: 'acme', sort: 'relevance', conversation: `conv-${t}-short` })).toEqual([`${t}-short`]);
    });

    test('a date alone is a UTC day bound: from its start, to the end of the to-day included', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-before`, { sentAt: '2024-02-29T23:59:59.999Z' }),
        contractDoc(t, `${t}-first`, { sentAt: '2024-03-01T00:00:00.000Z' }),
        contractDoc(t, `${t}-last`, { sentAt: '2024-03-05T23:59:59.999Z' }),
        contractDoc(t, `${t}-after`, { sentAt: '2024-03-06T00:00:00.000Z' }),
      );
      expect(await ids(t, { from: '2024-03-01', to: '2024-03-05' })).toEqual([`${t}-last`, `${t}-first`]);
      expect(await ids(t, { from: '2024-03-06' })).toEqual([`${t}-after`]);
      expect(await ids(t, { to: '2024-02-29' })).toEqual([`${t}-before`]);
    });

    test('hits sort by sentAt descending, then id ascending', async () => {
      const t = tenant();
      await upsert(
        contractDoc(t, `${t}-a-old`, { sentAt: '2024-01-01T00:00:00Z' }),
        contractDoc(t, `${t}-c-same`, { sentAt: '2024-02-01T00:00:00Z' }),
        contractDoc(t, `${t}-b-same`, { sentAt: '2024-02-01T00:00:00Z' }),
        contractDoc(t, `${t}-z-new`, { sentAt: '2024-03-01T00:00:00Z' }),
      );
      expect(await ids(t, {})).toEqual([`${t}-z-new`, `${t}-b-same`, `${t}-c-same`, `${t}-a-old`]);
    });

    test('cursor paging returns every hit exactly once; the last page has no cursor', async () => {
      const t = tenant();
      const sentAts = ['2024-03-05', '2024-03-04', '2024-03-04', '2024-03-02', '2024-03-01'];
      await upsert(...sentAts.map((day, i) => contractDoc(t, `${t}-${i}`, { sentAt: `${day}T08:00:00Z` })));
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await index.search(t, { size: 2, cursor });
        expect(page.total).toBe(5);
        pages.push(page.hits.map((h) => h.id));
        cursor = page.cursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(sentAts.map((_, i) => `${t}-${i}`));
    });

    test('sort oldest is the exact reverse of newest, and a cursor reads on in its own order from either side', async () => {
      const t = tenant();
      // ties in one millisecond, a millisecond apart, and days apart
      const sentAts = [
        '2024-03-01T08:00:00.000Z',
        '2024-03-01T08:00:00.000Z',
        '2024-03-01T08:00:00.001Z',
        '2024-03-01T08:00:00.001Z',
        '2024-03-01T08:00:00.001Z',
        '2024-03-02T00:00:00.000Z',
        '2024-03-03T00:00:00.000Z',
      ];
      await upsert(...sentAts.map((sentAt, i) => contractDoc(t, `${t}-${i}`, { sentAt, conversationId: `${t}-thread` })));
      const all = async (q: SearchQuery, size: number) => {
        const out: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await index.search(t, { ...q, size, cursor });
          out.push(...page.hits.map((h) => h.id));
          cursor = page.cursor;
        } while (cursor && out.length < 50);
        return out;
      };
      const newest = await all({ conversation: `${t}-thread` }, 50);
      expect(newest).toEqual([`${t}-6`, `${t}-5`, `${t}-2`, `${t}-3`, `${t}-4`, `${t}-0`, `${t}-1`]);
      const oldest = await all({ conversation: `${t}-thread`, sort: 'oldest' }, 50);
      expect(oldest).toEqual([...newest].reverse());
      for (const size of [1, 2, 3]) {
        expect(await all({ conversation: `${t}-thread`, sort: 'oldest' }, size)).toEqual(oldest);
        expect(await all({ sort: 'oldest' }, size)).toEqual(oldest);
        expect(await all({ conversation: `${t}-thread` }, size)).toEqual(newest);
      }
      // a page read backwards from the middle: the hits after a cursor in `newest` are the ones before it in `oldest`
      const middle = await index.search(t, { conversation: `${t}-thread`, sort: 'oldest', size: 3 });
      const back = await index.search(t, { conversation: `${t}-thread`, sort: 'newest', size: 50, cursor: middle.cursor });
      expect(back.hits.map((h) => h.id)).toEqual(oldest.slice(0, 2).reverse());
    });

    test('an upsert with the same id replaces the document', async () => {
      const t = tenant();
      await upsert(contractDoc(t, `${t}-1`, { text: 'first draft' }));
      await upsert(contractDoc(t, `${t}-1`, { text: 'second thoughts' }));
      expect((await index.search(t, {})).total).toBe(1);
      expect(await ids(t, { text: 'first' })).toEqual([]);
      expect(await ids(t, { text: 'second' })).toEqual([`${t}-1`]);
      expect((await index.get(t, `${t}-1`))!.text).toBe('second thoughts');
    });

    test("setHolds replaces the holds of this tenant's documents only", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(contractDoc(t, `${t}-1`), contractDoc(t, `${t}-2`), contractDoc(other, `${other}-1`));
      await index.setHolds(
        t,
        new Map([
          [`${t}-1`, ['hold-b', 'hold-a']],
          [`${other}-1`, ['hold-a']],
        ]),
      );
      await index.refresh();
      expect(await ids(t, { holdId: 'hold-a' })).toEqual([`${t}-1`]);
      expect((await index.get(t, `${t}-1`))!.holds).toEqual(['hold-a', 'hold-b']);
      expect((await index.get(other, `${other}-1`))!.holds).toEqual([]);

      await index.setHolds(t, new Map([[`${t}-1`, []]]));
      await index.refresh();
      expect(await ids(t, { holdId: 'hold-a' })).toEqual([]);
    });

    test("setLogSequences records where this tenant's documents sit in its record log, and a later upsert of the same record keeps no stale one", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(contractDoc(t, `${t}-1`), contractDoc(other, `${other}-1`));
      await index.setLogSequences(
        t,
        new Map([
          [`${t}-1`, 41],
          [`${other}-1`, 7],
        ]),
      );
      await index.refresh();
      expect((await index.get(t, `${t}-1`))!.logSequence).toBe(41);
      expect((await index.get(other, `${other}-1`))!.logSequence).toBeUndefined();
      await upsert(contractDoc(t, `${t}-1`));
      expect((await index.get(t, `${t}-1`))!.logSequence).toBeUndefined();
    });

    test("setResolution replaces the directory resolution of this tenant's documents only, and search follows it", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(
        contractDoc(t, `${t}-1`, { employeeIds: [], unmapped: ['+16505551234', '+15550783881'], direction: 'unknown', holds: ['hold-a'] }),
        contractDoc(other, `${other}-1`, { employeeIds: [] }),
      );
      const resolved = { employeeIds: ['emp-9'], unmapped: ['+15550783881'], direction: 'outbound' };
      await index.setResolution(
        t,
        new Map([
          [`${t}-1`, resolved],
          [`${other}-1`, resolved],
        ]),
      );
      await index.refresh();
      expect(await ids(t, { employeeId: 'emp-9' })).toEqual([`${t}-1`]);
      expect(await ids(t, { unmapped: '+16505551234' })).toEqual([]);
      expect(await ids(t, { direction: 'outbound' })).toEqual([`${t}-1`]);
      expect(await ids(t, { direction: 'unknown' })).toEqual([]);
      expect(await index.get(t, `${t}-1`)).toMatchObject({ ...resolved, holds: ['hold-a'], text: 'hello' });
      expect((await index.get(other, `${other}-1`))!.employeeIds).toEqual([]);
    });

    test("addRevisions adds edit and deletion ids to this tenant's documents only; search filters edited and deleted", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(contractDoc(t, `${t}-1`), contractDoc(t, `${t}-2`), contractDoc(t, `${t}-3`), contractDoc(other, `${other}-1`));
      await index.addRevisions(
        t,
        new Map([
          [`${t}-1`, { editedBy: ['e2'], deletedBy: [] }],
          [`${t}-2`, { editedBy: [], deletedBy: ['d1'] }],
          [`${other}-1`, { editedBy: ['e9'], deletedBy: [] }],
          ['missing', { editedBy: ['e'], deletedBy: [] }],
        ]),
      );
      await index.addRevisions(t, new Map([[`${t}-1`, { editedBy: ['e1', 'e2'], deletedBy: [] }]]));
      await index.refresh();
      expect((await index.get(t, `${t}-1`))!.editedBy).toEqual(['e1', 'e2']);
      expect(await ids(t, { edited: true })).toEqual([`${t}-1`]);
      expect(await ids(t, { deleted: true })).toEqual([`${t}-2`]);
      expect(await ids(t, { edited: false, deleted: false })).toEqual([`${t}-3`]);
      expect((await index.get(other, `${other}-1`))!.editedBy).toEqual([]);
      expect(await index.get(t, 'missing')).toBeNull();
    });

    test("revisionsOf finds this tenant's edits, deletions and reactions of the given external ids, not replies to them", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(
        contractDoc(t, `${t}-edit`, { kind: 'edit', refs: ['wamid.A', 'wamid.Z'], revises: 'wamid.A' }),
        contractDoc(t, `${t}-del`, { kind: 'deletion', refs: ['wamid.B'], revises: 'wamid.B' }),
        contractDoc(t, `${t}-edit-z`, { kind: 'edit', refs: ['wamid.A', 'wamid.Z'], revises: 'wamid.Z' }),
        contractDoc(t, `${t}-reply`, { kind: 'message', refs: ['wamid.A'] }),
        contractDoc(t, `${t}-react`, { kind: 'reaction', refs: ['wamid.B'], revises: 'wamid.B' }),
        contractDoc(other, `${other}-edit`, { kind: 'edit', refs: ['wamid.A'], revises: 'wamid.A' }),
      );
      await index.refresh();
      const found = await index.revisionsOf(t, ['wamid.A', 'wamid.B', 'wamid.C']);
      expect(found.map((d) => d.id)).toEqual([`${t}-del`, `${t}-edit`, `${t}-react`]);
      expect(await index.revisionsOf(t, [])).toEqual([]);
    });

    test("delete removes this tenant's documents only", async () => {
      const [t, other] = [tenant(), tenant()];
      await upsert(contractDoc(t, `${t}-1`, { text: 'to be disposed' }), contractDoc(t, `${t}-2`, { sentAt: '2024-02-01T00:00:00Z' }));
      await index.delete(other, [`${t}-1`]);
      await index.refresh();
      expect((await index.search(t, {})).total).toBe(2);

      await index.delete(t, [`${t}-1`, `${t}-never-indexed`]);
      await index.refresh();
      expect(await index.get(t, `${t}-1`)).toBeNull();
      expect(await ids(t, {})).toEqual([`${t}-2`]);
      expect(await ids(t, { text: 'disposed' })).toEqual([]);
    });

    test('a document the index cannot accept is returned as a non-retriable failure; the rest are indexed', async () => {
      const t = tenant();
      const failures = await index.bulkUpsert([contractDoc(t, `${t}-good`), contractDoc(t, `${t}-bad`, { sentAt: 'yesterday at noon' })]);
      expect(failures).toEqual([{ id: `${t}-bad`, reason: expect.stringMatching(/sentAt/), retriable: false }]);
      await index.refresh();
      expect(await ids(t, {})).toEqual([`${t}-good`]);
    });
  });
}
