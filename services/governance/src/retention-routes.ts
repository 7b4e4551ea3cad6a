import type { ArchiveStore } from '@custody/archive-store';
import type { RetentionTable, TenantLockPolicy } from '@custody/control';
import type { Envelope } from '@custody/envelope';
import { json, type Route, audited, readBody, requireRole, type AuditedDeps } from '@custody/http';
import { RejectedInputError } from '@custody/errors';
import { PRESETS, RetentionSettingsInput, presetViolation, type RetentionSettings } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { recordObjects } from './record-locks';

export interface RetentionRouteDeps extends AuditedDeps {
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
export async function applyRetention(deps: Pick<RetentionRouteDeps, 'policy' | 'store' | 'index'>, tenant: string): Promise<{ examined: number; extended: number }> {
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
    {
      method: 'GET',
      pattern: '/v1/admin/retention',
      handler: audited(deps, 'retention.get', async (p) => {
        requireRole(p, ['admin', 'compliance', 'legal'], 'read retention settings');
        return { response: json(200, { settings: deps.retention.get(p.tenant) ?? null, presets: PRESETS }) };
      }),
    },
    {
      method: 'PUT',
      pattern: '/v1/admin/retention',
      handler: audited(deps, 'retention.change', async (p, req) => {
        requireRole(p, ['admin'], 'change retention settings');
        const input = await readBody(req, RetentionSettingsInput, 'retention');
        const before = deps.retention.get(p.tenant);
        const violation = presetViolation(before, input, (preset) => deps.releasedPresets.has(`${p.tenant}:${preset}`));
        if (violation) throw new RejectedInputError(violation.status === 409 ? 'preset_locked' : 'under_preset_floor', violation.message, violation.status);
        const settings: RetentionSettings = { ...input, tenant: p.tenant, version: (before?.version ?? 0) + 1, changedBy: p.keyId, changedAt: new Date().toISOString() };
        await deps.retention.put(p.tenant, settings);
        return { response: json(200, { settings, note: 'applies to records written from now on; POST /v1/admin/retention/apply extends existing locks (never shortens)' }), target: `v${settings.version}`, details: { before: before ?? null, after: settings } };
      }),
    },
    {
      method: 'POST',
      pattern: '/v1/admin/retention/apply',
      handler: audited(deps, 'retention.apply', async (p) => {
        requireRole(p, ['admin'], 'apply retention settings to existing records');
        const result = await applyRetention(deps, p.tenant);
        return { response: json(200, result), details: { ...result, version: deps.retention.get(p.tenant)?.version ?? null } };
      }),
    },
  ];
}
