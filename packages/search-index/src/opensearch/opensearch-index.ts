import { Client } from '@opensearch-project/opensearch';
import { DependencyUnavailableError, errorMessage } from '@custody/errors';
import type { IndexDoc, Resolution, Revisions } from '../document';
import type { BulkFailure, SearchIndex, SearchResult } from '../port';
import { SearchQuery, encodeCursor } from '../query';
import { STEMMED_ANALYZER, recordAnalysis, recordMappings, recordSettings } from './mappings';
import { searchBody } from './search-body';

export interface OpenSearchIndexOptions {
  url: string;
  /** Index name prefix; the records index is `<prefix>-records`. Unique per test. */
  prefix: string;
  username?: string;
  password?: string;
}

export class OpenSearchIndex implements SearchIndex {
  readonly client: Client;
  readonly index: string;

  constructor(private readonly opts: OpenSearchIndexOptions) {
    this.client = new Client({
      node: opts.url,
      auth: opts.username && opts.password ? { username: opts.username, password: opts.password } : undefined,
      requestTimeout: 30_000,
      maxRetries: 2,
    });
    this.index = `${opts.prefix}-records`;
  }

  async ensureReady(): Promise<void> {
    await this.call('put index template', () =>
      this.client.indices.putIndexTemplate({
        name: `${this.opts.prefix}-records`,
        body: { index_patterns: [`${this.index}*`], template: { settings: recordSettings, mappings: recordMappings }, priority: 100 },
      }),
    );
    const exists = await this.call('index exists', () => this.client.indices.exists({ index: this.index }));
    if (!exists.body) {
      try {
        await this.client.indices.create({ index: this.index });
      } catch (err) {
        if (!/resource_already_exists_exception/.test(errorMessage(err) + JSON.stringify((err as { meta?: { body?: unknown } }).meta?.body ?? ''))) {
          throw new DependencyUnavailableError('opensearch', `create index ${this.index}: ${errorMessage(err)}`, err);
        }
      }
    } else {
      await this.addAnalysis();
      // the template shapes new indices only; an index created by an earlier version gets the fields
      // added since (adding fields is allowed on a live index, changing one is not and fails loudly here)
      await this.call('put mapping', () => this.client.indices.putMapping({ index: this.index, body: recordMappings }));
    }
  }

  /**
   * An index created before the stemmed analyzer existed gets it: analyzers can only be added to a
   * closed index, so it is closed for a moment (once). Its documents get their stems when they are
   * indexed again (`custody reindex`); until then stemmed words find only documents indexed since.
   */
  private async addAnalysis(): Promise<void> {
    const res = await this.call('get settings', () => this.client.indices.getSettings({ index: this.index }));
    const settings = (res.body as Record<string, { settings: { index: { analysis?: { analyzer?: Record<string, unknown> } } } }>)[this.index];
    if (settings?.settings.index.analysis?.analyzer?.[STEMMED_ANALYZER]) return;
    await this.call('close index', () => this.client.indices.close({ index: this.index }));
    try {
      await this.call('put analysis', () => this.client.indices.putSettings({ index: this.index, body: { analysis: recordAnalysis } }));
    } finally {
      await this.call('open index', () => this.client.indices.open({ index: this.index, wait_for_active_shards: '1' }));
    }
  }

  /** One cheap request with a short timeout and no retries: readiness must answer in a moment. */
  /** Closes the client's connections, so a stopped process (or test) holds no sockets to the cluster. */
  async close(): Promise<void> {
    await this.client.close();
  }

  async probe(): Promise<void> {
    await this.call('probe', () => this.client.indices.exists({ index: this.index }, { requestTimeout: 2_000, maxRetries: 0 }));
  }

  async bulkUpsert(docs: IndexDoc[]): Promise<BulkFailure[]> {
    if (docs.length === 0) return [];
    const body = docs.flatMap((d) => [{ index: { _index: this.index, _id: d.id } }, d]);
    const res = await this.call('bulk', () => this.client.bulk({ body }));
    if (!res.body.errors) return [];
    const failures: BulkFailure[] = [];
    for (const item of res.body.items as Array<Record<string, { _id?: string; status: number; error?: { type?: string; reason?: string } }>>) {
      const op = Object.values(item)[0];
      if (op.status < 300) continue;
      failures.push({
        id: op._id ?? '',
        reason: `${op.error?.type ?? 'error'}: ${op.error?.reason ?? `status ${op.status}`}`,
        retriable: op.status === 429 || op.status >= 500,
      });
    }
    return failures;
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchResult> {
    const q = SearchQuery.parse(query);
    const body = searchBody(tenant, q);
    // text without a single token matches nothing (as in the embedded index)
    if (!body) return { total: 0, hits: [] };
    const res = await this.call('search', () => this.client.search({ index: this.index, body: body }));
    const hits = res.body.hits.hits as Array<{ _source: IndexDoc; sort: unknown[] }>;
    const total = typeof res.body.hits.total === 'number' ? res.body.hits.total : (res.body.hits.total?.value ?? 0);
    return {
      total,
      hits: hits.map((h) => h._source),
      cursor: hits.length === q.size ? encodeCursor(hits[hits.length - 1].sort) : undefined,
      ...(q.facets?.length && {
        facets: Object.fromEntries(
          q.facets.map((f) => [
            f,
            (res.body.aggregations?.[f] as { buckets: Array<{ key: string; doc_count: number }> }).buckets.map((b) => ({
              value: String(b.key),
              count: b.doc_count,
            })),
          ]),
        ),
      }),
    };
  }

  async get(tenant: string, id: string): Promise<IndexDoc | null> {
    try {
      const res = await this.client.get({ index: this.index, id });
      const doc = res.body._source as IndexDoc | undefined;
      // a document of another tenant is indistinguishable from a missing one
      return doc && doc.tenant === tenant ? doc : null;
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return null;
      throw new DependencyUnavailableError('opensearch', `get ${id}: ${errorMessage(err)}`, err);
    }
  }

  async setHolds(tenant: string, holdsById: Map<string, string[]>): Promise<void> {
    await this.partialUpdate(tenant, 'holds', new Map([...holdsById].map(([id, holds]) => [id, { holds: [...holds].sort() }])));
  }

  async setResolution(tenant: string, resolutionById: Map<string, Resolution>): Promise<void> {
    await this.partialUpdate(
      tenant,
      'resolution',
      new Map([...resolutionById].map(([id, r]) => [id, { employeeIds: r.employeeIds, unmapped: r.unmapped, direction: r.direction }])),
    );
  }

  async setLogSequences(tenant: string, sequenceById: Map<string, number>): Promise<void> {
    await this.partialUpdate(tenant, 'log sequences', new Map([...sequenceById].map(([id, logSequence]) => [id, { logSequence }])));
  }

  async addRevisions(tenant: string, revisionsById: Map<string, Revisions>): Promise<void> {
    if (revisionsById.size === 0) return;
    const docs = await Promise.all([...revisionsById.keys()].map((id) => this.get(tenant, id)));
    const merged = new Map(docs.filter((d): d is IndexDoc => d !== null).map((d) => [d.id, unionRevisions(d, revisionsById.get(d.id)!)]));
    await this.partialUpdate(tenant, 'revisions', merged);
  }

  async revisionsOf(tenant: string, externalIds: string[]): Promise<IndexDoc[]> {
    const found: IndexDoc[] = [];
    if (externalIds.length === 0) return found;
    const query = { bool: { filter: [{ term: { tenant } }, { terms: { revises: externalIds } }] } };
    let after: unknown[] | undefined;
    for (;;) {
      const body = { size: 1000, query, sort: [{ id: 'asc' }], ...(after && { search_after: after }) };
      const res = await this.call('search revisions', () => this.client.search({ index: this.index, body: body as never }));
      const hits = res.body.hits.hits as Array<{ _source: IndexDoc; sort: unknown[] }>;
      found.push(...hits.map((h) => h._source));
      if (hits.length < 1000) return found;
      after = hits[hits.length - 1].sort;
    }
  }

  /** Partial updates of this tenant's documents (others' ids are skipped as missing), each atomic per document. */
  private async partialUpdate(tenant: string, what: string, fieldsById: Map<string, Partial<IndexDoc>>): Promise<void> {
    if (fieldsById.size === 0) return;
    const docs = await Promise.all([...fieldsById.keys()].map((id) => this.get(tenant, id)));
    const body = docs.filter((d): d is IndexDoc => d !== null).flatMap((d) => [{ update: { _index: this.index, _id: d.id } }, { doc: fieldsById.get(d.id) }]);
    if (body.length === 0) return;
    const res = await this.call(`bulk ${what}`, () => this.client.bulk({ body }));
    if (res.body.errors) throw new DependencyUnavailableError('opensearch', `${what} update partially failed`);
  }

  async delete(tenant: string, ids: string[]): Promise<void> {
    const docs = await Promise.all(ids.map((id) => this.get(tenant, id)));
    const body = docs.filter((d): d is IndexDoc => d !== null).map((d) => ({ delete: { _index: this.index, _id: d.id } }));
    if (body.length === 0) return;
    await this.call('bulk delete', () => this.client.bulk({ body }));
  }

  async refresh(): Promise<void> {
    await this.call('refresh', () => this.client.indices.refresh({ index: this.index }));
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new DependencyUnavailableError('opensearch', `${what}: ${errorMessage(err)}`, err);
    }
  }
}

function unionRevisions(doc: IndexDoc, add: Revisions): Revisions {
  return {
    editedBy: [...new Set([...(doc.editedBy ?? []), ...add.editedBy])].sort(),
    deletedBy: [...new Set([...(doc.deletedBy ?? []), ...add.deletedBy])].sort(),
  };
}
