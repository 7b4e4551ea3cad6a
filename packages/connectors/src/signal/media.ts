import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaContent, MediaContext } from '@custody/connector-kit';
import type { Attachment } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';

const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Only attachments are in signal-cli's attachments directory; a sticker reference names pack and sticker. */
export function isSignalAttachment(att: Attachment): boolean {
  return att.sourceRef?.startsWith('signal-attachment:') ?? false;
}

/**
 * Signal has no vendor API to download from: the firm's signal-cli (which the forwarder relays)
 * downloads every attachment itself and stores it as <attachments directory>/<id>. Custody reads it
 * only from the directory the operator assigned to the instance (CUSTODY_MEDIA_DIRS), never from a
 * path in a tenant's config (that would let a tenant admin archive any file on this host), and never
 * over the network. The id comes from the payload, so it must be a plain file name (no "/", no
 * ".."), and symlinks are not followed. (signal-cli's JSON-RPC getAttachment would answer with the
 * whole file base64-encoded in one JSON response; reading the file streams it instead.)
 */
export async function fetchSignalAttachment(att: Attachment, _config: unknown, ctx: MediaContext): Promise<MediaContent> {
  const dir = ctx.localDir;
  if (!dir)
    throw new RejectedInputError(
      'media_not_configured',
      `signal: no attachments directory is set for instance ${ctx.instance} (CUSTODY_MEDIA_DIRS), attachments cannot be read`,
    );
  if (!att.sourceRef?.startsWith('signal-attachment:'))
    throw new RejectedInputError('bad_media_ref', `signal: attachment ${att.id} has no signal-attachment: reference`);
  const id = att.sourceRef.slice('signal-attachment:'.length);
  if (!SAFE_ID.test(id) || id.includes('..')) throw new RejectedInputError('bad_media_ref', 'signal: attachment id must be a plain file name');
  let handle: FileHandle;
  try {
    handle = await open(join(dir, id), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RejectedInputError('media_not_found', `signal: attachment ${id} is not in the attachments directory`, 404);
    if (code === 'ELOOP') throw new RejectedInputError('bad_media_ref', `signal: attachment ${id} is a symbolic link`);
    throw new DependencyUnavailableError('signal-cli attachments', `${id}: ${code ?? (err as Error).message}`, err);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new RejectedInputError('media_not_found', `signal: attachment ${id} is not a regular file`, 404);
  }
  return { body: handle.createReadStream(), mimeType: att.mimeType, size: stat.size };
}
