import type { ExportTable, HoldTable } from '@custody/control';
import { NotFoundError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { ExportRequest, type Export } from '@custody/policy';
import { z } from 'zod';
import type { ExportJobs } from './export-jobs';
import { packageZip, readManifest } from './package-files';
import { searchOf } from './plan';
import type { ArchiveStore } from '@custody/archive-store';

const PRODUCERS = ['legal', 'compliance'] as const;
const ExportParams = z.object({ id: z.string().min(1).max(128).describe('Export id') });
const ExportView = z.looseObject({
  id: z.string(),
  name: z.string(),
  job: z.looseObject({ phase: z.string(), total: z.number().int(), done: z.number().int() }),
});

export interface ExportRouteDeps {
  store: ArchiveStore;
  exports: ExportTable;
  holds: HoldTable;
  jobs: ExportJobs;
}

function ownExport(deps: ExportRouteDeps, tenant: string, id: string): Export {
  const e = deps.exports.get(id);
  // another tenant's export is indistinguishable from a missing one
  if (!e || e.tenant !== tenant) throw new NotFoundError(`no export ${id}`);
  return e;
}

/** Legal and compliance produce a search, a hold, conversations or records; every request, read and download is audited. */
export function exportRoutes(deps: ExportRouteDeps): Route[] {
  return [
    route({
      method: 'POST',
      url: '/v1/exports',
      summary: 'Produce exports',
      description:
        '`{name, scope, formats, timeZone, batesPrefix}`; scope is exactly one of `query` (a search), `holdId`, `conversationIds`, `recordIds`. 202 with the export, its job running: `GET /v1/exports/:id` for progress, `/download` once done',
      access: { roles: PRODUCERS, audit: 'exports.request' },
      schema: { body: ExportRequest, response: { 202: z.object({ export: ExportView }) } },
      invalid: { code: 'invalid_request', what: 'export' },
      handler: async (req, p) => {
        const body = req.body;
        // refused now rather than failed later: a search the index would reject, a hold this tenant does not have
        if (body.scope.query) searchOf(body.scope.query);
        if (body.scope.holdId) {
          const hold = deps.holds.get(body.scope.holdId);
          if (!hold || hold.tenant !== p.tenant) throw new NotFoundError(`no hold ${body.scope.holdId}`);
        }
        const exp = await deps.jobs.request(p.tenant, { keyId: p.keyId, role: p.role }, body);
        return { ...json(202, { export: exp }), target: exp.id, details: { name: exp.name, scope: exp.scope, formats: exp.formats } };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/exports',
      summary: 'Read exports',
      access: { roles: PRODUCERS, audit: 'exports.list' },
      schema: { response: { 200: z.object({ exports: z.array(ExportView) }) } },
      handler: async (_req, p) => {
        const exports = deps.exports
          .values()
          .filter((e) => e.tenant === p.tenant)
          .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
        return json(200, { exports });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/exports/:id',
      summary: 'Read exports',
      description:
        'The export with its job: `phase` (planning, producing, finishing, done, failed), `total` and `done` records, `etaAt`; once done, `result` with the manifest SHA-256 and counts',
      access: { roles: PRODUCERS, audit: 'exports.get' },
      schema: { params: ExportParams, response: { 200: z.object({ export: ExportView }) } },
      handler: async (req, p) => {
        const exp = ownExport(deps, p.tenant, req.params.id);
        return { ...json(200, { export: exp }), target: exp.id };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/exports/:id/download',
      summary: 'Download exports',
      description:
        'The finished package as one zip, streamed: manifest.json first, every file read from WORM and re-hashed against the manifest as it streams (a mismatch cuts the connection); 409 until the export is done',
      access: { roles: PRODUCERS, audit: 'exports.download' },
      schema: {
        params: ExportParams,
        response: { 200: { description: 'The package', content: { 'application/zip': { schema: z.string().describe('binary') } } } },
      },
      handler: async (req, p) => {
        const exp = ownExport(deps, p.tenant, req.params.id);
        const manifest = await readManifest(deps.store, exp);
        return {
          status: 200,
          // the file name is Custody's own export id, never the tenant-supplied name
          headers: {
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename="${exp.id}.zip"`,
            'x-custody-manifest-sha256': exp.result!.manifestSha256,
          },
          body: packageZip(deps.store, exp, manifest),
          target: exp.id,
          details: { name: exp.name, manifestSha256: exp.result!.manifestSha256, files: manifest.files.length + 1 },
        };
      },
    }),
  ];
}
