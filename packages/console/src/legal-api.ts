import { apiRequest } from './api';
import type { ExportItem, ExportRequest, Hold, HoldDetail, HoldScope } from './legal-types';
import type { SearchRequest, SearchResponse } from './types';

/**
 * The legal pages' calls, beside api.ts: JSON through `apiRequest` (same origin, the CSRF header on
 * state changes). Downloads are plain links (the session cookie goes with them), so only their
 * addresses are here.
 */

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});
const part = encodeURIComponent;

export const legalApi = {
  holds: (signal?: AbortSignal) => apiRequest<{ holds: Hold[] }>('GET', '/v1/holds', withSignal(signal)),
  hold: (id: string, signal?: AbortSignal) => apiRequest<HoldDetail>('GET', `/v1/holds/${part(id)}`, withSignal(signal)),
  /** How many records a hold of `scope` would hold now, counted as the hold job selects them. */
  previewHold: (scope: HoldScope, signal?: AbortSignal) => apiRequest<{ count: number }>('POST', '/v1/holds/preview', { body: scope, ...withSignal(signal) }),
  placeHold: (body: { matter: string; reason: string; scope: HoldScope }) => apiRequest<{ hold: Hold }>('POST', '/v1/holds', { body }),
  releaseHold: (id: string, reason: string) => apiRequest<{ hold: Hold }>('POST', `/v1/holds/${part(id)}/release`, { body: { reason } }),
  /** The search's total alone (one hit asked for), to set beside a hold's count. */
  searchTotal: async (request: SearchRequest, signal?: AbortSignal) => {
    const { cursor: _cursor, facets: _facets, ...rest } = request;
    return (await apiRequest<SearchResponse>('POST', '/v1/search', { body: { ...rest, size: 1 }, ...withSignal(signal) })).total;
  },

  exports: (signal?: AbortSignal) => apiRequest<{ exports: ExportItem[] }>('GET', '/v1/exports', withSignal(signal)),
  export: (id: string, signal?: AbortSignal) => apiRequest<{ export: ExportItem }>('GET', `/v1/exports/${part(id)}`, withSignal(signal)),
  startExport: (body: ExportRequest) => apiRequest<{ export: ExportItem }>('POST', '/v1/exports', { body }),
};

/** GET /v1/holds/report: every hold of the tenant, who placed and released it, and the records it holds now. */
export function holdReportPath(format: 'csv' | 'json'): string {
  return format === 'csv' ? '/v1/holds/report?format=csv' : '/v1/holds/report';
}

/** The finished package as one zip (409 until the export is done). */
export function exportDownloadPath(id: string): string {
  return `/v1/exports/${part(id)}/download`;
}

export function holdPath(id: string): string {
  return `/holds/${part(id)}`;
}

export function exportPath(id: string): string {
  return `/exports/${part(id)}`;
}

/** Who may do what (the routes' x-custody-roles in docs/openapi.json): legal places and releases holds. */
export function canPlaceHolds(role: string): boolean {
  return role === 'legal';
}

/** Legal and compliance read holds and produce exports. */
export function canProduce(role: string): boolean {
  return role === 'legal' || role === 'compliance';
}
