import type { ArchiveStore } from '@custody/archive-store';
import { recordKey } from '@custody/archiver';
import { NotFoundError } from '@custody/errors';

/**
 * Every archived object that belongs to a record: the record's version and its attachment
 * manifests, plus the blobs the manifests point at.
 */
export async function recordObjects(store: ArchiveStore, tenant: string, id: string, versionId: string): Promise<{ own: Array<{ key: string; versionId: string }>; blobs: Array<{ key: string; versionId: string }> }> {
  const own = [{ key: recordKey(tenant, id), versionId }];
  const blobs: Array<{ key: string; versionId: string }> = [];
  const prefix = `${recordKey(tenant, id).replace(/\.json$/, '')}.attachments/`;
  for await (const v of store.list(prefix)) {
    if (v.deleteMarker) continue;
    own.push({ key: v.key, versionId: v.versionId });
    try {
      const m = JSON.parse((await store.get(v.key, v.versionId)).body.toString('utf8')) as { storageKey?: string };
      const blob = m.storageKey ? await store.head(m.storageKey) : null;
      if (blob) blobs.push({ key: blob.key, versionId: blob.versionId });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { own, blobs };
}
