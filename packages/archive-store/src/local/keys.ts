import { RejectedInputError } from '@custody/errors';

/**
 * Directory holding a key's versions, below the key's own path. encodeURIComponent always escapes
 * `@`, so no encoded key segment can be named like this: `a/b` and `a/b/@versions` never collide.
 */
export const VERSIONS_DIR = '@versions';

const MAX_KEY_BYTES = 1024;
const MAX_NAME_BYTES = 255;

/**
 * The path segments (relative to the objects directory) that hold `key`. Keys keep their `/`
 * structure on disk; empty, `.` and `..` segments are refused because a directory cannot represent
 * them faithfully, and absolute keys or `..` would escape the store.
 */
export function keyPath(key: string): string[] {
  if (key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) throw invalid(key, `must be 1 to ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) throw invalid(key, 'must be relative, not absolute');
  if (key.includes('\0')) throw invalid(key, 'must not contain NUL');
  return key.split('/').map((segment) => {
    if (segment === '' || segment === '.' || segment === '..') throw invalid(key, 'must not contain empty, "." or ".." segments');
    const name = encodeURIComponent(segment);
    if (name.length > MAX_NAME_BYTES) throw invalid(key, `has a segment longer than the file system allows (${MAX_NAME_BYTES} bytes encoded)`);
    return name;
  });
}

/** The key segment a directory name stands for, or null for names this store did not create. */
export function segmentOf(name: string): string | null {
  try {
    const segment = decodeURIComponent(name);
    return encodeURIComponent(segment) === name ? segment : null;
  } catch {
    return null;
  }
}

function invalid(key: string, why: string): RejectedInputError {
  return new RejectedInputError('invalid_key', `archive key ${JSON.stringify(key.slice(0, 200))} ${why}`);
}
