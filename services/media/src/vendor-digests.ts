import type { BlobRequest, ContentDigest, SpooledContent } from '@custody/archive-store';
import { digestBytes } from '@custody/connector-kit';
import type { Attachment, VendorDigest } from '@custody/envelope';
import { IntegrityError } from '@custody/errors';

export interface DigestMismatch {
  algorithm: VendorDigest['algorithm'];
  encoding: VendorDigest['encoding'];
  expected: string;
  /** The fetched content's digest in the vendor's encoding. */
  actual: string;
}

/** The fetched content is not what the vendor said it sent: never stored as the record's attachment. */
export class VendorDigestMismatch extends IntegrityError {
  constructor(
    readonly attachmentId: string,
    readonly mismatches: DigestMismatch[],
  ) {
    super(
      `attachment ${attachmentId}: content does not match the vendor's ${mismatches.map((m) => `${m.algorithm} (expected ${m.expected}, got ${m.actual})`).join(', ')}`,
    );
  }
}

/**
 * The vendor's digests the content fails. A value that does not decode to a digest of its algorithm
 * fails too: the content cannot be shown to be what the vendor described.
 */
export function digestMismatches(expected: readonly VendorDigest[], digests: SpooledContent['digests']): DigestMismatch[] {
  return expected.flatMap((d) => {
    const actual = digests[d.algorithm];
    if (!actual) throw new Error(`${d.algorithm} of the content was not computed`);
    const want = digestBytes(d);
    return want?.equals(actual) ? [] : [{ algorithm: d.algorithm, encoding: d.encoding, expected: d.value, actual: actual.toString(d.encoding) }];
  });
}

/** storeBlob options that hash what the vendor's digests need and refuse content that fails them, before it is stored. */
export function vendorDigestCheck(att: Attachment): Pick<BlobRequest, 'alsoHash' | 'accept'> {
  const expected = att.vendorDigests ?? [];
  if (expected.length === 0) return {};
  return {
    alsoHash: [...new Set<ContentDigest>(expected.map((d) => d.algorithm))],
    accept: (content) => {
      const mismatches = digestMismatches(expected, content.digests);
      if (mismatches.length) throw new VendorDigestMismatch(att.id, mismatches);
    },
  };
}
