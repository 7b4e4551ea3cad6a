import type { ArchiveStore } from '@custody/archive-store';
import type { RetentionTable, TenantLockPolicy } from '@custody/control';
import type { Envelope } from '@custody/envelope';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';
import { RejectedInputError } from '@custody/errors';
import { PRESETS, RetentionSettingsInput, presetViolation, type RetentionSettings } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { recordObjects } from './record-locks';

export interface RetentionRouteDeps {
  retention: RetentionTable;
  policy: TenantLockPolicy;
  store: ArchiveStore;
  index: SearchIndex;
  /** `tenant:preset` pairs the operator released (CUSTODY_RELEASE_PRESETS): only these presets can be removed. */
  releasedPresets: ReadonlySet<string>;
}

/**
 * Extends the locks of a tenant's existing records to what the current settings give. Only ever
 * extends: a shorter setting leaves every existing lock exactly as it was.
 */
export async function applyRetention(
  deps: Pick<RetentionRouteDeps, 'policy' | 'store' | 'index'>,
  tenant: string,
): Promise<{ examined: number; extended: number }> {
  let examined = 0;
  let extended = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.index.search(tenant, { size: 500, cursor });
    for (const doc of page.hits) {
      examined++;
      const until = deps.policy.retentionEnd({ tenant, kind: doc.kind as Envelope['kind'], channel: doc.channel, sentAt: doc.sentAt });
      const objects = await recordObjects(deps.store, tenant, doc.id, doc.archive.versionId);
      let changed = false;
      for (const o of [...objects.own, ...objects.blobs]) {
        const info = await deps.store.head(o.key, o.versionId);
        if (info?.retainUntil && info.retainUntil < until) {
          await deps.store.extendRetention(o.key, o.versionId, until);
          changed = true;
        }
      }
      if (changed) extended++;
    }
    cursor = page.cursor;
  } while (cursor);
  return { examined, extended };
}

/** Only admins change retention; every change is a new version, audited with what it replaced. */
export function retentionRoutes(deps: RetentionRouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/admin/retention',
      summary: 'Read retention settings',
      description: 'The tenant’s settings (null until set) and the regulatory presets',
      access: { roles: ['admin', 'compliance', 'legal'], audit: 'retention.get' },
      schema: { response: { 200: z.object({ settings: z.looseObject({}).nullable(), presets: z.looseObject({}) }) } },
      handler: async (_req, p) => json(200, { settings: deps.retention.get(p.tenant) ?? null, presets: PRESETS }),
    }),
    route({
      method: 'PUT',
      url: '/v1/admin/retention',
      summary: 'Change retention settings',
      description:
        'A new version of the settings, for records written from now on; a preset’s floor cannot be undercut, nor a preset removed unless the operator released it',
      access: { roles: ['admin'], audit: 'retention.change' },
      schema: { body: RetentionSettingsInput, response: { 200: z.object({ settings: z.looseObject({ version: z.number().int() }), note: z.string() }) } },
      invalid: { code: 'invalid_request', what: 'retention' },
      handler: async (req, p) => {
        const input = req.body;
        const before = deps.retention.get(p.tenant);
        const violation = presetViolation(before, input, (preset) => deps.releasedPresets.has(`${p.tenant}:${preset}`));
        if (violation) throw new RejectedInputError(violation.status === 409 ? 'preset_locked' : 'under_preset_floor', violation.message, violation.status);
        const settings: RetentionSettings = {
          ...input,
          tenant: p.tenant,
          version: (before?.version ?? 0) + 1,
          changedBy: p.keyId,
          changedAt: new Date().toISOString(),
        };
        await deps.retention.put(p.tenant, settings);
        return {
          ...json(200, { settings, note: 'applies to records written from now on; POST /v1/admin/retention/apply extends existing locks (never shortens)' }),
          target: `v${settings.version}`,
          details: { before: before ?? null, after: settings },
        };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/admin/retention/apply',
      summary: 'Apply retention settings to existing records',
      description: 'Extends the locks of existing records to what the current settings give; never shortens one',
      access: { roles: ['admin'], audit: 'retention.apply' },
      schema: { response: { 200: z.object({ examined: z.number().int(), extended: z.number().int() }) } },
      handler: async (_req, p) => {
        const result = await applyRetention(deps, p.tenant);
        return { ...json(200, result), details: { ...result, version: deps.retention.get(p.tenant)?.version ?? null } };
      },
    }),
  ];
}
