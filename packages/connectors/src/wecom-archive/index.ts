import { z } from 'zod';
import type { Connector } from '@custody/connector-kit';
import { connectorConfigRequired, parseJsonBody, parseJsonDelivery } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { normalizeWecomArchive } from './normalize';
import { WecomArchiveConfig, type ArchiveItem, type ArchiveParsed } from './types';
import { verifyArchivePuller } from './verify';

const WHAT = 'wecom archive';

export const wecomArchive: Connector<WecomArchiveConfig, ArchiveParsed> = {
  id: 'wecom-archive',
  channel: 'wecom',
  description: 'WeCom chat archive (会话内容存档): decrypted getchatdata records as a JSON array or JSON Lines (send, recall, switch)',
  configSchema: WecomArchiveConfig,
  verify: verifyArchivePuller,
  parse(raw, contentType, config) {
    if (contentType && !/^application\/(json|x-ndjson|jsonl|x-jsonlines)\b/i.test(contentType)) {
      throw new RejectedInputError('unsupported_media_type', `${WHAT}: content-type must be application/json or application/x-ndjson, got ${contentType}`, 415);
    }
    if (!config) throw connectorConfigRequired('wecom-archive', WecomArchiveConfig, "records do not name their enterprise, the config's corpId does");
    return { corpId: config.corpId, items: readRecords(raw) };
  },
  normalize: normalizeWecomArchive,
  // getchatdata numbers every record (`seq`); a puller that passes it through beside the decrypted
  // fields gets gaps detected (a record without one is simply not counted)
  sequences: (parsed) =>
    parsed.items.flatMap((item) => {
      const seq = (item.value as { seq?: unknown } | null | undefined)?.seq;
      return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? [seq] : [];
    }),
};

/** A JSON array is one document (all or nothing); JSON Lines are read line by line so one bad line stays one rejection. */
function readRecords(raw: Buffer): ArchiveItem[] {
  const text = decodeUtf8(raw);
  if (text.trimStart().startsWith('[')) {
    const values = parseJsonDelivery(raw, z.array(z.unknown()).min(1), WHAT);
    return arrayElements(text).map((element, i) => ({ path: String(i), raw: Buffer.from(element, 'utf8'), value: values[i] }));
  }
  const items: ArchiveItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const path = `line ${i + 1}`;
    const bytes = Buffer.from(line.replace(/\r$/, ''), 'utf8');
    try {
      items.push({ path, raw: bytes, value: parseJsonBody(bytes, z.unknown(), `${WHAT}: ${path}`) });
    } catch (err) {
      if (!(err instanceof RejectedInputError)) throw err;
      items.push({ path, raw: bytes, error: err });
    }
  });
  if (items.length === 0) throw new RejectedInputError('empty_body', `${WHAT}: body is empty`);
  return items;
}

/**
 * The source text of each top-level element of an already validated JSON array. Records carry their
 * own bytes as evidence: an export of thousands of records must not copy the whole file into each.
 */
function arrayElements(json: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      if (depth === 1 && start < 0) start = i;
      while (json[++i] !== '"') if (json[i] === '\\') i++;
    } else if (c === '[' || c === '{') {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === ']' || c === '}') {
      if (--depth === 0) out.push(json.slice(start, i).trimEnd());
    } else if (depth === 1 && c === ',') {
      out.push(json.slice(start, i).trimEnd());
      start = -1;
    } else if (depth === 1 && start < 0 && !/\s/.test(c)) {
      start = i;
    }
  }
  return out;
}

function decodeUtf8(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RejectedInputError('not_utf8', `${WHAT}: body is not valid UTF-8`);
  }
}
