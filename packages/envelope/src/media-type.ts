/**
 * Media types as RFC 9110 defines them (type "/" subtype, then `; name=value` parameters), printable
 * ASCII only. Vendors supply these values and Custody later sends them as a Content-Type header: a
 * CR/LF or a non-Latin-1 character there either splits the response or makes Node throw, so anything
 * that is not a plain media type never becomes a header.
 */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

export const MAX_MEDIA_TYPE_LENGTH = 255;

export function isMediaType(value: string | undefined): value is string {
  return typeof value === 'string' && value.length <= MAX_MEDIA_TYPE_LENGTH && MEDIA_TYPE.test(value);
}

/** The Content-Type to send for a stored value: the value when it is a media type, else opaque bytes. */
export function servedMediaType(value: string | undefined): string {
  return isMediaType(value) ? value : 'application/octet-stream';
}
