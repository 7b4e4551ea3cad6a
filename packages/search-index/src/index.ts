export * from './port';
export * from './document';
export * from './query';
export { OpenSearchIndex, type OpenSearchIndexOptions } from './opensearch/opensearch-index';
export { EmbeddedIndex, type EmbeddedIndexOptions } from './embedded/embedded-index';
export type { IndexMemory } from './embedded/schema';
export { highlight, type Highlights } from './highlight';
export { parseTextQuery, type TextNode } from './text-query';
export { allDocs } from './all-docs';
