import { realpathSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { RejectedInputError } from '@custody/errors';

export interface ExportLocation {
  chatFile: string;
  /** Where the media files of the export sit (the chat file's directory). */
  dir: string;
  /** Chat name from "WhatsApp Chat with X.txt" / "WhatsApp Chat - X" (file or unzipped folder). */
  title?: string;
}

const TITLED = /^WhatsApp Chat (?:with|-|mit|con|avec) (.+?)(?:\.txt)?$/i;

/** Accepts the chat .txt itself or the unzipped export folder (_chat.txt or "WhatsApp Chat with X.txt" plus media). */
export async function locateExport(path: string): Promise<ExportLocation> {
  const info = await stat(path);
  let chatFile = path;
  if (info.isDirectory()) {
    const texts = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && /\.txt$/i.test(e.name))
      .map((e) => e.name)
      .sort();
    const pick =
      texts.find((n) => n === '_chat.txt') ??
      (texts.filter((n) => TITLED.test(n)).length === 1 ? texts.find((n) => TITLED.test(n)) : undefined) ??
      (texts.length === 1 ? texts[0] : undefined);
    if (!pick) {
      throw new RejectedInputError(
        'chat_file_not_found',
        `${path}: expected _chat.txt or one "WhatsApp Chat with …" .txt file, found ${texts.length ? texts.join(', ') : 'no .txt file'}`,
      );
    }
    chatFile = join(path, pick);
  }
  const dir = dirname(chatFile);
  const title = TITLED.exec(basename(chatFile))?.[1] ?? TITLED.exec(basename(dir))?.[1];
  return { chatFile, dir, title };
}

/**
 * The file a placeholder names, when the export holds it. Only plain names inside the export
 * folder count: "../x" or a symlink leading out of the folder never reads a file elsewhere.
 */
export function mediaFile(dir: string, fileName: string): string | undefined {
  if (fileName !== basename(fileName) || fileName.includes('\\') || fileName === '.' || fileName === '..') return undefined;
  try {
    const real = realpathSync(join(dir, fileName));
    if (!real.startsWith(realpathSync(dir) + sep) || !statSync(real).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}
