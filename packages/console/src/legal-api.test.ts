import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXPORT_FORMATS as SERVER_FORMATS, ExportRequest, HoldScope } from '@custody/policy';
import { SearchQuery } from '@custody/search-index';
import { setCsrfToken } from './api';
import { canPlaceHolds, canProduce, exportDownloadPath, exportPath, holdPath, holdReportPath, legalApi } from './legal-api';
import { EXPORT_FORMAT_CHOICES, EXPORT_FORMATS } from './legal-types';
import { restoreFetchAfterEach, stubFetch, type Call } from './fetch-stub.test-support';

restoreFetchAfterEach();
const sent = (call: Call) => JSON.parse(String(call.init.body)) as unknown;

describe('legal API calls', () => {
  it('previews and places a hold with the scope the server accepts, the CSRF token on both', async () => {
    setCsrfToken('tok');
    const scope = { custodians: ['e-1'], participants: [], channels: ['sms'], query: 'invoice' };
    const calls = stubFetch(200, { count: 3 });
    await expect(legalApi.previewHold(scope)).resolves.toEqual({ count: 3 });
    const placeCalls = stubFetch(200, { hold: { id: 'hold-1' } });
    await legalApi.placeHold({ matter: 'Acme v. Globex', reason: 'litigation', scope });
    expect(calls[0]).toMatchObject({ url: '/v1/holds/preview', init: { method: 'POST' } });
    expect(HoldScope.parse(sent(calls[0]))).toEqual(scope);
    expect(placeCalls[0]).toMatchObject({ url: '/v1/holds', init: { method: 'POST' } });
    expect((placeCalls[0].init.headers as Record<string, string>)['x-csrf-token']).toBe('tok');
  });

  it('releases a hold by its id, encoded, with the reason', async () => {
    const calls = stubFetch(202, { hold: { id: 'a/b' } });
    await legalApi.releaseHold('a/b', 'settled');
    expect(calls[0].url).toBe('/v1/holds/a%2Fb/release');
    expect(sent(calls[0])).toEqual({ reason: 'settled' });
  });

  it('asks a search for its total alone, in a body the server accepts', async () => {
    const calls = stubFetch(200, { total: 42, hits: [], cursor: null });
    await expect(legalApi.searchTotal({ text: 'invoice', sort: 'newest', size: 50, cursor: 'c', facets: ['channel'] })).resolves.toBe(42);
    expect(sent(calls[0])).toEqual({ text: 'invoice', sort: 'newest', size: 1 });
    expect(SearchQuery.safeParse(sent(calls[0])).success).toBe(true);
  });

  it('starts an export with a body the server accepts', async () => {
    const calls = stubFetch(202, { export: { id: 'exp-1' } });
    await legalApi.startExport({ name: 'Production 1', scope: { holdId: 'hold-1' }, formats: ['rsmf', 'pdf'], timeZone: 'Europe/London' });
    expect(calls[0]).toMatchObject({ url: '/v1/exports', init: { method: 'POST' } });
    expect(ExportRequest.safeParse(sent(calls[0])).success).toBe(true);
  });

  it('offers exactly the server’s export formats, in its order', () => {
    expect(EXPORT_FORMATS).toEqual(SERVER_FORMATS);
    expect(EXPORT_FORMAT_CHOICES.map((c) => c.value)).toEqual([...SERVER_FORMATS]);
  });

  it('links downloads and pages by encoded ids', () => {
    expect(exportDownloadPath('exp 1')).toBe('/v1/exports/exp%201/download');
    expect(holdReportPath('csv')).toBe('/v1/holds/report?format=csv');
    expect(holdReportPath('json')).toBe('/v1/holds/report');
    expect(holdPath('hold-1')).toBe('/holds/hold-1');
    expect(exportPath('exp/1')).toBe('/exports/exp%2F1');
  });
});

describe('roles', () => {
  type Doc = { paths: Record<string, Record<string, { 'x-custody-roles'?: string[] }>> };
  const doc = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/openapi.json'), 'utf8')) as Doc;
  const roles = (method: string, path: string) => doc.paths[path]?.[method]?.['x-custody-roles'] ?? [];
  const ALL = ['admin', 'compliance', 'legal', 'auditor'];

  it('shows placing and releasing holds to the roles the API lets do them', () => {
    for (const [method, path] of [
      ['post', '/v1/holds'],
      ['post', '/v1/holds/{id}/release'],
    ])
      expect(ALL.filter(canPlaceHolds)).toEqual(roles(method, path));
  });

  it('shows exports to the roles the API lets produce them', () => {
    for (const [method, path] of [
      ['post', '/v1/exports'],
      ['get', '/v1/exports'],
      ['get', '/v1/exports/{id}/download'],
    ])
      expect(ALL.filter(canProduce).sort()).toEqual([...roles(method, path)].sort());
  });
});
