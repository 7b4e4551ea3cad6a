import type { VendorDigest } from '@custody/envelope';

type Algorithm = VendorDigest['algorithm'];

/** Digest sizes in bytes: a value that decodes to another length is not a digest of that algorithm. */
const BYTES: Record<Algorithm, number> = { md5: 16, sha1: 20, sha256: 32 };
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A hash a vendor supplied for an attachment, with its encoding recognized from its length (hex or
 * base64 of the algorithm's digest size), kept exactly as given. Undefined for anything that is
 * not such a digest (empty, truncated, a placeholder): the worker can only verify real digests.
 */
export function vendorDigest(algorithm: Algorithm, value: string | undefined | null): VendorDigest | undefined {
  if (!value) return undefined;
  const size = BYTES[algorithm];
  if (value.length === size * 2 && HEX.test(value)) return { algorithm, encoding: 'hex', value };
  if (value.length === Math.ceil(size / 3) * 4 && BASE64.test(value) && Buffer.from(value, 'base64').length === size)
    return { algorithm, encoding: 'base64', value };
  return undefined;
}

/** The digest's bytes, or undefined when its value does not decode to a digest of its algorithm. */
export function digestBytes(d: VendorDigest): Buffer | undefined {
  const bytes =
    d.encoding === 'hex' ? (HEX.test(d.value) ? Buffer.from(d.value, 'hex') : undefined) : BASE64.test(d.value) ? Buffer.from(d.value, 'base64') : undefined;
  return bytes?.length === BYTES[d.algorithm] ? bytes : undefined;
}

/** The vendor digests of an attachment, dropping values that are not digests. */
export function vendorDigests(...digests: Array<VendorDigest | undefined>): { vendorDigests?: VendorDigest[] } {
  const kept = digests.filter((d): d is VendorDigest => d !== undefined);
  return kept.length ? { vendorDigests: kept } : {};
}
