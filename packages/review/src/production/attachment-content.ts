import type { Readable } from 'node:stream';
import { AttachmentManifest, manifestKey, type ArchiveStore } from '@custody/archive-store';
import type { Attachment } from '@custody/envelope';
import { CustodyError } from '@custody/errors';
import { verifying } from './verifying';

export interface AttachmentContent {
  sha256: string;
  size: number;
  /** The content from WORM, re-hashed as it streams: a mismatch fails the stream. */
  open(): Promise<Readable>;
}

/**
 * Where an attachment's content is: in the envelope (stored at capture) or in the manifest the media
 * service wrote beside the record once it fetched the content. undefined: never fetched.
 */
export async function attachmentContent(store: ArchiveStore, tenant: string, recordId: string, att: Attachment): Promise<AttachmentContent | undefined> {
  let storageKey = att.storageKey;
  let sha256 = att.sha256;
  if (!storageKey) {
    const manifest = await store.get(manifestKey(tenant, recordId, att.id)).catch((err: unknown) => {
      if (err instanceof CustodyError && err.code === 'not_found') return undefined;
      throw err;
    });
    if (!manifest) return undefined;
    const m = AttachmentManifest.parse(JSON.parse(manifest.body.toString('utf8')));
    storageKey = m.storageKey;
    sha256 = m.sha256;
  }
  const info = await store.head(storageKey);
  if (!info) return undefined;
  const expected = /^[0-9a-f]{64}$/.test(sha256 ?? '') ? sha256! : info.sha256;
  const key = storageKey;
  return {
    sha256: expected,
    size: info.size,
    open: async () => verifying((await store.getStream(key, info.versionId)).body, expected, `attachment ${att.id} of record ${recordId}`),
  };
}
