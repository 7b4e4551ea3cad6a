import { createHash } from 'node:crypto';
import { manifestKey, rawKey, recordKey, type ArchiveStore } from '@custody/archive-store';
import { isRawRef, parseEnvelope, servedMediaType } from '@custody/envelope';
import { NotFoundError } from '@custody/errors';
import { verifying } from '@custody/review';
import { route, type Route } from '@custody/http';
import { assertReviewerMayRead, type ReviewerScope } from './conversation-routes';
import { AttachmentManifest } from '@custody/archive-store';
import { z } from 'zod';

const READERS = ['compliance', 'legal', 'auditor'] as const;
const Bytes = (description: string) => ({ description, content: { '*/*': { schema: z.string().describe('binary') } } });

/** The tenant's record `id` as archived; a malformed or unknown id is the same 404. */
async function archivedEnvelope(store: ArchiveStore, tenant: string, id: string) {
  if (!/^[0-9a-f]{40}$/.test(id)) throw new NotFoundError(`no record ${id}`);
  const record = await store.get(recordKey(tenant, id)).catch(() => {
    throw new NotFoundError(`no record ${id}`);
  });
  return parseEnvelope(record.body);
}

/**
 * Streams an attachment's content from the WORM store. The expected SHA-256 is sent up front
 * (x-custody-sha256) and re-checked while streaming: on a mismatch the connection is cut, so a
 * client never receives altered content as a complete response.
 */
export function attachmentRoutes(deps: { store: ArchiveStore; reviewerScope?: ReviewerScope }): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/records/:id/attachments/:attachment',
      summary: 'Read attachments',
      description:
        'The attachment, streamed (a reviewer’s only in a conversation holding an alert they may review); SHA-256 in `x-custody-sha256`, re-checked while streaming (a mismatch cuts the connection)',
      access: { roles: [...READERS, 'reviewer'], audit: 'records.attachment' },
      schema: { params: z.object({ id: z.string(), attachment: z.string() }), response: { 200: Bytes('The attachment’s bytes') } },
      handler: async (req, p) => {
        const { id, attachment } = req.params;
        const env = await archivedEnvelope(deps.store, p.tenant, id);
        assertReviewerMayRead(deps.reviewerScope, p, env.conversation.id, `no record ${id}`);
        const att = [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])].find((a) => a.id === attachment);
        if (!att) throw new NotFoundError(`record ${id} has no attachment ${attachment}`);
        let storageKey = att.storageKey;
        let sha256 = att.sha256;
        let mimeType = att.mimeType;
        // a type the vendor declared that was not a media type is not replaced by a guess
        if (!storageKey) {
          const manifest = await deps.store.get(manifestKey(p.tenant, id, attachment)).catch(() => {
            throw new NotFoundError(`attachment ${attachment} of ${id} has not been fetched from the vendor (yet)`);
          });
          const m = AttachmentManifest.parse(JSON.parse(manifest.body.toString('utf8')));
          storageKey = m.storageKey;
          sha256 = m.sha256;
          // the type the webhook declared stands; the download's fills in when it declared none (Telegram photos)
          mimeType = mimeType ?? (att.declaredMimeType ? undefined : m.mimeType);
        }
        const blob = await deps.store.getStream(storageKey);
        const expected = /^[0-9a-f]{64}$/.test(sha256 ?? '') ? sha256! : blob.info.sha256;
        const verify = verifying(blob.body, expected, `attachment ${attachment} of ${id}`);
        return {
          status: 200,
          headers: {
            // vendor-declared: only a valid media type ever becomes the header (records archived before validation included)
            'content-type': servedMediaType(mimeType),
            'content-length': String(blob.info.size),
            'x-custody-sha256': expected,
            ...(att.fileName && { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(att.fileName)}` }),
          },
          body: verify,
          target: id,
          details: { attachment, sha256: expected },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/records/:id/raw',
      summary: 'Read raw vendor payloads',
      description: 'The vendor’s bytes the record came from, streamed, SHA-256 re-checked; `x-custody-event-path` names the record’s event',
      access: { roles: READERS, audit: 'records.raw' },
      schema: { params: z.object({ id: z.string() }), response: { 200: Bytes('The delivery’s bytes') } },
      handler: async (req, p) => {
        const id = req.params.id;
        const raw = (await archivedEnvelope(deps.store, p.tenant, id)).source.raw;
        if (!isRawRef(raw)) {
          const bytes = Buffer.from(raw.body, raw.encoding === 'base64' ? 'base64' : 'utf8');
          return {
            status: 200,
            headers: { 'content-type': servedMediaType(raw.contentType), 'x-custody-sha256': createHash('sha256').update(bytes).digest('hex') },
            body: bytes,
            target: id,
          };
        }
        const blob = await deps.store.getStream(rawKey(p.tenant, raw.sha256)).catch(() => {
          throw new NotFoundError(`the delivery of record ${id} is not archived (yet)`);
        });
        return {
          status: 200,
          headers: {
            'content-type': servedMediaType(raw.contentType),
            'content-length': String(blob.info.size),
            'x-custody-sha256': raw.sha256,
            // where the record's own event sits in the delivery (connector-built, encoded all the same)
            ...(raw.path && { 'x-custody-event-path': encodeURIComponent(raw.path) }),
          },
          body: verifying(blob.body, raw.sha256, `delivery of record ${id}`),
          target: id,
          details: { sha256: raw.sha256 },
        };
      },
    }),
  ];
}
