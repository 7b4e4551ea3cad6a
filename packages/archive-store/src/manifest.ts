import { z } from 'zod';

/**
 * Written once per fetched attachment, beside the record: the envelope stays exactly as captured,
 * and this WORM object says where its attachment's content is and what it hashed to.
 */
export const AttachmentManifest = z
  .object({
    recordId: z.string(),
    attachmentId: z.string(),
    storageKey: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    mimeType: z.string().optional(),
    fetchedAt: z.string(),
  })
  .strict();
export type AttachmentManifest = z.infer<typeof AttachmentManifest>;
