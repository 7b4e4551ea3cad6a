import type { SearchIndex } from './port';
import { SearchQuery } from './query';
import type { IndexDoc } from './document';

const PAGE = 500;

/** Every document of a tenant, a page at a time (cursor order), for whole-archive checks. */
export async function* allDocs(index: SearchIndex, tenant: string): AsyncGenerator<IndexDoc> {
  let cursor: string | undefined;
  do {
    const page = await index.search(tenant, SearchQuery.parse({ size: PAGE, sort: 'oldest', ...(cursor && { cursor }) }));
    yield* page.hits;
    cursor = page.cursor;
  } while (cursor);
}
