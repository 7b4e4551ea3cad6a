import { manifestPrefix, rawKey, recordKey, type ArchiveStore } from '@custody/archive-store';
import { isRawRef, parseEnvelope } from '@custody/envelope';
import { NotFoundError } from '@custody/errors';

type Version = { key: string; versionId: string };

/**
 * Every archived object that belongs to a record: the record's version and its attachment
 * manifests, plus the blobs its content lives in (named in the envelope for imports, in the
 * manifests for attachments fetched from the vendor) and the webhook delivery it was cut from.
 */
export async function recordObjects(store: ArchiveStore, tenant: string, id: string, versionId: string): Promise<{ own: Version[]; blobs: Version[] }> {
  const key = recordKey(tenant, id);
  const own: Version[] = [{ key, versionId }];
  const blobKeys = new Set<string>();
  const env = parseEnvelope((await store.get(key, versionId)).body);
  for (const a of [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])]) if (a.storageKey) blobKeys.add(a.storageKey);
  // the webhook delivery the record came from is evidence of it too: held and retained with it
  if (isRawRef(env.source.raw)) blobKeys.add(rawKey(tenant, env.source.raw.sha256));
  for await (const v of store.list(manifestPrefix(tenant, id))) {
    if (v.deleteMarker) continue;
    own.push({ key: v.key, versionId: v.versionId });
    const m = JSON.parse((await store.get(v.key, v.versionId)).body.toString('utf8')) as { storageKey?: string };
    if (m.storageKey) blobKeys.add(m.storageKey);
  }
  const blobs: Version[] = [];
  for (const k of blobKeys) {
    try {
      const info = await store.head(k);
      if (info) blobs.push({ key: k, versionId: info.versionId });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { own, blobs };
}
