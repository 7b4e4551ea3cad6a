import { SearchQuery } from '../query';
import { searchBody } from './search-body';

const body = (q: SearchQuery) =>
  searchBody('acme', SearchQuery.parse(q)) as { query: { bool: { filter: unknown[]; must: unknown[] } } } & Record<string, unknown>;

describe('the OpenSearch search body', () => {
  test("every filter is an exact term in filter context, after the tenant's", () => {
    const b = body({
      participant: '+16505551234',
      channel: 'WhatsApp',
      kind: 'Message',
      direction: 'Outbound',
      conversation: 'conv-1',
      employeeId: 'emp-1',
      unmapped: '+15550000000',
      holdId: 'hold-1',
      edited: true,
      deleted: false,
      from: '2024-03-01',
      to: '2024-03-05',
    });
    expect(b.query.bool.filter).toEqual([
      { term: { tenant: 'acme' } },
      { term: { participants: '+16505551234' } },
      { term: { channel: 'whatsapp' } },
      { term: { kind: 'message' } },
      { term: { direction: 'outbound' } },
      { term: { conversationId: 'conv-1' } },
      { term: { employeeIds: 'emp-1' } },
      { term: { unmapped: '+15550000000' } },
      { term: { holds: 'hold-1' } },
      { exists: { field: 'editedBy' } },
      { bool: { must_not: { exists: { field: 'deletedBy' } } } },
      { range: { sentAt: { gte: '2024-03-01T00:00:00.000Z', lt: '2024-03-06T00:00:00.000Z' } } },
    ]);
    expect(b.query.bool.must).toEqual([]);
    expect(b).toMatchObject({ size: 50, track_total_hits: true, sort: [{ sentAt: 'desc' }, { id: 'asc' }] });
  });

  test('each direction is a term of its own; anything else is refused by the query schema', () => {
    for (const direction of ['inbound', 'outbound', 'internal', 'unknown'])
      expect(body({ direction }).query.bool.filter).toEqual([{ term: { tenant: 'acme' } }, { term: { direction } }]);
    expect(SearchQuery.safeParse({ direction: 'sideways' }).error?.issues[0].message).toBe('unknown direction; one of: inbound, outbound, internal, unknown');
  });

  test('facets are terms aggregations on their fields, most frequent first; text without a token matches nothing', () => {
    expect(body({ facets: ['direction', 'employee'] }).aggs).toEqual({
      direction: { terms: { field: 'direction', size: 20, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
      employee: { terms: { field: 'employeeIds', size: 20, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
    });
    expect(searchBody('acme', SearchQuery.parse({ text: '!!!' }))).toBeNull();
  });
});
