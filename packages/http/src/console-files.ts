import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/**
 * Headers of every response of the server. The console is a bundle of the server's own scripts
 * and styles: nothing inline, nothing from elsewhere, never framed; data comes from /v1 alone.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The API's paths: an unknown one is the API's 404 (or 405), never the console's index.html. */
const API_PREFIXES = ['/v1', '/webhooks', '/healthz', '/readyz', '/metrics'];

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Hashed build output: its name changes with its content, so it may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** An open file to answer with; the caller streams it (the stream closes it) or closes it. */
export interface ConsoleFile {
  handle: FileHandle;
  size: number;
  contentType: string;
  cacheControl: string;
}

/** Errors that mean "no such file here" (answered 404); anything else is the server's failure. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG']);

/**
 * The files of a built single-page app (the console), served read-only from one directory: exact
 * files by path, index.html for any other path without an extension (client-side routes). Paths
 * with `..`, `.` or dot-file segments, encoded slashes or backslashes, or NUL are refused, and no
 * file is opened whose real path (symlinks resolved) is outside the directory.
 */
export class ConsoleFiles {
  private constructor(private readonly root: string) {}

  /** The directory must hold an index.html: a console without one would answer every path 404. */
  static async open(dir: string): Promise<ConsoleFiles> {
    const root = await realpath(dir);
    const files = new ConsoleFiles(root);
    const index = await files.openInside('index.html');
    if (!index) throw new Error(`console: ${dir} holds no index.html (build the console first)`);
    await index.handle.close();
    return files;
  }

  /** The file a GET of this path (as requested, still percent-encoded, no query) answers with; none: 404. */
  async resolve(rawPath: string): Promise<ConsoleFile | undefined> {
    const segments = pathSegments(rawPath);
    if (!segments) return undefined;
    const rel = segments.length === 0 ? 'index.html' : segments.join('/');
    const found = await this.openInside(rel);
    if (found) return found;
    const last = segments.at(-1) ?? '';
    // a client-side route (/records/abc); a missing asset (/assets/x.js) is a 404, never HTML in its place
    return extname(last) === '' ? this.openInside('index.html') : undefined;
  }

  private async openInside(rel: string): Promise<ConsoleFile | undefined> {
    let real: string;
    try {
      real = await realpath(join(this.root, rel));
    } catch (err) {
      if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
    // symlinks are resolved: whatever a link inside points at, a file outside is never served
    if (!real.startsWith(this.root + sep)) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (err) {
      if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
    const stat = await handle.stat().catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (!stat.isFile()) {
      await handle.close();
      return undefined;
    }
    const inRoot = real.slice(this.root.length + 1).split(sep);
    return {
      handle,
      size: stat.size,
      contentType: CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
      // index.html names the hashed assets of the current build: asked again each time
      cacheControl: inRoot.length > 1 && inRoot[0] === 'assets' ? IMMUTABLE : 'no-cache',
    };
  }
}

/**
 * The decoded segments of a requested path (empty segments dropped); none when it tries to leave
 * the directory or hide something: `..`/`.`/dot-file segments, encoded `/` or `\`, `\`, NUL, bad
 * percent-encoding.
 */
export function pathSegments(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/') || /%2f|%5c|%00/i.test(rawPath) || /[\\\0]/.test(rawPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(decoded)) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  return segments;
}
