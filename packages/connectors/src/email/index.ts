import { randomBytes } from 'node:crypto';
import { open, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolateEvent, type ImportContext, type ImportItem, type Importer } from '@custody/connector-kit';
import { countLines } from '../import-shared/lines';
import { parseAsctime } from './mail-date';
import { mboxMessages } from './mbox';
import { emailDraft, type PendingFile } from './normalize';

/** An import item with the bytes it came from, so a rejected item is quarantined with its evidence. */
type RawItem = ImportItem & { raw: { contentType: string; body: Buffer } };

interface RawMessage {
  position: number;
  location: string;
  raw: Buffer;
  fallbackDate?: number;
  /** mbox only: the message's lines in the mailbox, its "From " line and separating blank line included. */
  lines?: { first: number; last: number };
}

export const emailImporter: Importer = {
  id: 'email',
  channel: 'email',
  description: 'E-mail: an .eml file, a folder of .eml files, or an mbox mailbox (MIME, RFC 2047, attachments)',
  read: readEmail,
  async total(path) {
    const files = await emlFiles(path);
    let sum = 0;
    for (const f of files ?? [path]) sum += (await stat(f)).size;
    return sum;
  },
  /** An mbox is line-based; an .eml (one message, read whole) or a folder of them is not. */
  async lineCount(path) {
    if ((await emlFiles(path)) || !(await startsWithFromLine(path))) return undefined;
    return { file: path, lines: await countLines(path) };
  },
};

/**
 * Attachments are written to a private temp folder and referenced by `files`. They exist until
 * the next item is requested (a consumer stores them before asking for more) and are all gone
 * when iteration ends, so a large mailbox never needs its attachments on disk twice.
 */
async function* readEmail(path: string, ctx: ImportContext): AsyncGenerator<RawItem> {
  const tmp = await mkdtemp(join(tmpdir(), 'custody-email-'));
  try {
    for await (const m of messages(path)) {
      const pending: PendingFile[] = [];
      const [result] = isolateEvent(m.location, () => emailDraft(m.raw, ctx, m.location, m.fallbackDate, pending));
      const files: Record<string, string> = {};
      for (const f of pending) {
        files[f.id] = join(tmp, randomBytes(8).toString('hex'));
        await writeFile(files[f.id], f.bytes, { mode: 0o600 });
      }
      yield {
        position: m.position,
        result: result,
        files: pending.length ? files : undefined,
        raw: { contentType: 'message/rfc822', body: m.raw },
        lines: m.lines,
      };
      for (const file of Object.values(files)) await rm(file, { force: true });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A folder: its .eml files in name order; a file starting with "From ": mbox; any other file: one message. */
async function* messages(path: string): AsyncGenerator<RawMessage> {
  const files = await emlFiles(path);
  if (files) {
    let offset = 0;
    for (const file of files) {
      const raw = await readFile(file);
      yield { position: offset, location: file, raw };
      // positions run on across the folder's files so a resumed import skips whole files
      offset += Math.max(raw.length, 1);
    }
    return;
  }
  if (await startsWithFromLine(path)) {
    for await (const m of mboxMessages(path)) {
      yield { position: m.offset, location: `mbox message at byte ${m.offset}`, raw: m.raw, fallbackDate: parseAsctime(m.fromLine), lines: m.lines };
    }
    return;
  }
  yield { position: 0, location: path, raw: await readFile(path) };
}

async function emlFiles(path: string): Promise<string[] | undefined> {
  if (!(await stat(path)).isDirectory()) return undefined;
  return (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.eml$/i.test(e.name))
    .map((e) => join(path, e.name))
    .sort();
}

async function startsWithFromLine(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    return bytesRead === 5 && buffer.toString('latin1') === 'From ';
  } finally {
    await handle.close();
  }
}
