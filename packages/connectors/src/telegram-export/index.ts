import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isolateEvent, parseJsonBody, toE164, type ImportContext, type ImportItem, type Importer } from '@custody/connector-kit';
import type { Participant } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { checkTimeZone } from '../import-shared/local-time';
import { JsonSlicer, JsonStreamError, describe, type JsonPath, type Slice, type Want } from './json-slices';
import { conversationId, messageDrafts, type ChatScope } from './normalize';
import { TgChatField, TgMessage, TgPersonalInformation, type TgChat } from './types';

/** An import item with the bytes it came from, so a rejected item is quarantined with its evidence. */
type RawItem = ImportItem & { raw: { contentType: string; body: Buffer } };

export const telegramExport: Importer = {
  id: 'telegram-export',
  channel: 'telegram',
  description: 'Telegram Desktop JSON export (result.json: one chat or the full account export), with its media folders',
  read: readTelegramExport,
  async total(path) {
    return (await stat(await resultFile(path))).size;
  },
};

const CHAT_FIELDS = new Set(['name', 'type', 'id']);

/**
 * Single-chat export: the root is the chat. Full export: chats.list[] and left_chats.list[]. Only
 * chat fields, personal_information and messages are read; everything else is passed over.
 */
function want(path: JsonPath): Want {
  const chatAt = path[0] === 'chats' || path[0] === 'left_chats' ? 3 : 0;
  if (chatAt === 3) {
    if (path.length === 1 || (path.length === 2 && path[1] === 'list') || (path.length === 3 && path[1] === 'list')) return 'descend';
    if (path[1] !== 'list') return 'skip';
  }
  const rest = path.slice(chatAt);
  if (rest.length === 0) return 'descend';
  if (rest.length === 1 && rest[0] === 'messages') return 'descend';
  if (rest.length === 2 && rest[0] === 'messages') return 'capture';
  if (rest.length === 1 && CHAT_FIELDS.has(String(rest[0]))) return 'capture';
  if (chatAt === 0 && rest.length === 1 && rest[0] === 'personal_information') return 'capture';
  return 'skip';
}

/** Streams result.json: memory is bounded by the largest single message, not the export. */
async function* readTelegramExport(path: string, ctx: ImportContext): AsyncGenerator<RawItem> {
  // a wrong zone is refused at once; a missing one only when a message has no *_unixtime
  if (ctx.timezone !== undefined) checkTimeZone(ctx.timezone);
  const file = await resultFile(path);
  const dir = dirname(file);
  const slicer = new JsonSlicer(want);
  const chats = new Map<string, TgChat>();
  let account = ctx.account ? accountParticipant(ctx.account) : undefined;
  const handle = (slice: Slice): RawItem[] => {
    const field = slice.path.at(-1);
    const chatKey = JSON.stringify(slice.path.slice(0, typeof field === 'number' ? -2 : -1));
    if (typeof field === 'number') return messageItems(slice, chats.get(chatKey), account, dir, ctx);
    if (field === 'personal_information') {
      const me = parseJsonBody(slice.bytes, TgPersonalInformation, 'telegram export: personal_information');
      if (me.user_id !== undefined) {
        const name = [me.first_name, me.last_name].filter(Boolean).join(' ');
        account = { kind: 'handle', value: `user${me.user_id}`, platformId: `user${me.user_id}`, displayName: name || undefined };
      }
      return [];
    }
    const chat = chats.get(chatKey) ?? {};
    chats.set(chatKey, Object.assign(chat, { [field!]: parseJsonBody(slice.bytes, TgChatField, `telegram export: ${describe(slice.path)}`) }));
    return [];
  };
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      for (const slice of slicer.feed(chunk)) yield* handle(slice);
    }
    for (const slice of slicer.end()) yield* handle(slice);
  } catch (err) {
    if (!(err instanceof JsonStreamError)) throw err;
    // the structure is lost from here on: what was read stays archived, the break is quarantined
    const result = { rejected: true as const, code: err.code, reason: `${err.message}; nothing after byte ${err.offset} was read`, path: `byte ${err.offset}` };
    yield { position: err.offset, result, raw: { contentType: 'application/json', body: err.partial } };
  }
}

function messageItems(slice: Slice, chat: TgChat | undefined, account: Participant | undefined, dir: string, ctx: ImportContext): RawItem[] {
  const location = `${describe(slice.path)} (byte ${slice.offset})`;
  const files: Record<string, string> = {};
  const known = typeof chat?.id === 'number' && typeof chat.type === 'string';
  // outside isolateEvent: a missing --account fails the import once, not every message
  if (known) conversationId({ id: chat.id!, type: chat.type! }, account);
  const results = isolateEvent(location, () => {
    if (!known) throw new RejectedInputError('chat_unknown', `${location}: the chat's numeric id and type must come before its messages`);
    const scope: ChatScope = { chat: { ...chat, id: chat.id!, type: chat.type! }, account, dir };
    const m = parseJsonBody(slice.bytes, TgMessage, `telegram export ${location}`);
    return messageDrafts(m, scope, ctx, slice.bytes, location, files);
  });
  return results.map((result, i) => ({
    // an edit record sits just after its message: still before the next message's first byte
    position: slice.offset + i,
    result,
    files: i === 0 && Object.keys(files).length ? files : undefined,
    raw: { contentType: 'application/json', body: slice.bytes },
  }));
}

async function resultFile(path: string): Promise<string> {
  return (await stat(path)).isDirectory() ? join(path, 'result.json') : path;
}

/** --account: a Telegram user id (123 or user123) compares with from_id; a phone or email is kept as given. */
function accountParticipant(account: string): Participant {
  const id = /^(?:user)?(\d+)$/.exec(account.trim());
  if (id) return { kind: 'handle', value: `user${id[1]}`, platformId: `user${id[1]}` };
  if (account.includes('@')) return { kind: 'email', value: account.trim().toLowerCase() };
  if (account.trim().startsWith('+')) return { kind: 'phone', value: toE164(account, 'account') };
  return { kind: 'handle', value: account.trim() };
}
