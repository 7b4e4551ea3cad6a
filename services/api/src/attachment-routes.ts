import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ArchiveStore } from '@custody/archive-store';
import { recordKey } from '@custody/archiver';
import { parseEnvelope } from '@custody/envelope';
import { IntegrityError, NotFoundError } from '@custody/errors';
import type { Route } from '@custody/http';
import { AttachmentManifest, manifestKey } from '@custody/media';
import { audited, type AuditedDeps } from './audited';
import { requireRole } from './auth';

const READERS = ['compliance', 'legal'] as const;

/**
 * Streams an attachment's content from the WORM store. The expected SHA-256 is sent up front
 * (x-custody-sha256) and re-checked while streaming: on a mismatch the connection is cut, so a
 * client never receives altered content as a complete response.
 */
export function attachmentRoutes(deps: AuditedDeps & { store: ArchiveStore }): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/records/:id/attachments/:attachment',
      handler: audited(deps, 'records.attachment', async (p, req) => {
        requireRole(p, READERS, 'read attachments');
        const { id, attachment } = req.params as { id: string; attachment: string };
        if (!/^[0-9a-f]{40}$/.test(id)) throw new NotFoundError(`no record ${id}`);
        const record = await deps.store.get(recordKey(p.tenant, id)).catch(() => {
          throw new NotFoundError(`no record ${id}`);
        });
        const env = parseEnvelope(record.body);
        const att = [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])].find((a) => a.id === attachment);
        if (!att) throw new NotFoundError(`record ${id} has no attachment ${attachment}`);
        let storageKey = att.storageKey;
        let sha256 = att.sha256;
        let mimeType = att.mimeType;
        if (!storageKey) {
          const manifest = await deps.store.get(manifestKey(p.tenant, id, attachment)).catch(() => {
            throw new NotFoundError(`attachment ${attachment} of ${id} has not been fetched from the vendor (yet)`);
          });
          const m = AttachmentManifest.parse(JSON.parse(manifest.body.toString('utf8')));
          storageKey = m.storageKey;
          sha256 = m.sha256;
          // the type the webhook declared stands; the download's fills in when it declared none (Telegram photos)
          mimeType = mimeType ?? m.mimeType;
        }
        const blob = await deps.store.getStream(storageKey);
        const expected = /^[0-9a-f]{64}$/.test(sha256 ?? '') ? sha256! : blob.info.sha256;
        const hash = createHash('sha256');
        const verify = new Transform({
          transform(chunk: Buffer, _e, done) {
            hash.update(chunk);
            done(null, chunk);
          },
          flush(done) {
            const actual = hash.digest('hex');
            done(actual === expected ? null : new IntegrityError(`attachment ${attachment} of ${id}: content hashes to ${actual}, expected ${expected}`));
          },
        });
        blob.body.pipe(verify);
        blob.body.on('error', (err) => verify.destroy(err));
        return {
          response: {
            status: 200,
            headers: {
              'content-type': mimeType ?? 'application/octet-stream',
              'content-length': String(blob.info.size),
              'x-custody-sha256': expected,
              ...(att.fileName && { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(att.fileName)}` }),
            },
            body: verify,
          },
          target: id,
          details: { attachment, sha256: expected },
        };
      }),
    },
  ];
}
