import { z } from 'zod';
import { secret } from '@custody/connector-kit';
import type { RejectedInputError } from '@custody/errors';

// Decrypted chat-archive records (会话内容存档, the JSON DecryptData yields for each getchatdata item).
// Loose: WeCom keeps adding message types and fields; every record is archived verbatim in source.raw.
const ms = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(256);
// sizes are documented as uint32 but some SDK wrappers hand them over as strings
const size = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);
const sdkFile = { sdkfileid: z.string().min(1).max(4096), md5sum: z.string().max(64).optional() };

export const ArchiveRecord = z.looseObject({ msgid: z.string().min(1).max(512), action: z.string().min(1).max(32) });

export const ArchiveSwitch = z.looseObject({ msgid: z.string().min(1).max(512), action: z.literal('switch'), time: ms, user: id });

export const ArchiveMessage = z.looseObject({
  msgid: z.string().min(1).max(512),
  action: z.enum(['send', 'recall']),
  from: id,
  tolist: z.array(id).max(10_000),
  roomid: z.string().max(256).optional(),
  msgtime: ms,
  msgtype: z.string().min(1).max(64),
  text: z.looseObject({ content: z.string() }).optional(),
  image: z.looseObject({ ...sdkFile, filesize: size.optional() }).optional(),
  voice: z.looseObject({ ...sdkFile, voice_size: size.optional(), play_length: z.number().optional() }).optional(),
  video: z.looseObject({ ...sdkFile, filesize: size.optional(), play_length: z.number().optional() }).optional(),
  file: z.looseObject({ ...sdkFile, filename: z.string().max(1024).optional(), fileext: z.string().max(64).optional(), filesize: size.optional() }).optional(),
  emotion: z.looseObject({ ...sdkFile, imagesize: size.optional(), type: z.number().optional() }).optional(),
  voip_doc_share: z.looseObject({ ...sdkFile, filename: z.string().max(1024).optional(), filesize: size.optional() }).optional(),
  revoke: z.looseObject({ pre_msgid: z.string().min(1).max(512) }).optional(),
  location: z.looseObject({ longitude: z.number(), latitude: z.number(), address: z.string().optional(), title: z.string().optional() }).optional(),
  link: z.looseObject({ title: z.string().optional(), description: z.string().optional(), link_url: z.string().optional() }).optional(),
  card: z.looseObject({ corpname: z.string().optional(), userid: z.string().optional() }).optional(),
  weapp: z.looseObject({ title: z.string().optional(), description: z.string().optional(), displayname: z.string().optional() }).optional(),
  doc: z.looseObject({ title: z.string().optional(), link_url: z.string().optional() }).optional(),
  info: z.looseObject({ content: z.string().optional() }).optional(),
  agree: z.looseObject({ userid: z.string().optional() }).optional(),
  disagree: z.looseObject({ userid: z.string().optional() }).optional(),
});
export type ArchiveMessage = z.infer<typeof ArchiveMessage>;
export type ArchiveSwitch = z.infer<typeof ArchiveSwitch>;

/** One record of the input, or why its line could not be read (JSON Lines: one bad line must not sink the file). */
export interface ArchiveItem {
  path: string;
  /** The record's own bytes, exactly as they appear in the input. */
  raw: Buffer;
  value?: unknown;
  error?: RejectedInputError;
}

export interface ArchiveParsed {
  corpId: string;
  items: ArchiveItem[];
}

export const WecomArchiveConfig = z
  .object({
    corpId: z.string().min(1).max(64).describe('CorpID of the archived enterprise: prefixes conversation ids'),
    sharedSecret: secret(z.string().min(16))
      .optional()
      .describe('Bearer token of the in-house archive puller allowed to POST records; without it the webhook refuses everything'),
  })
  .strict();
export type WecomArchiveConfig = z.infer<typeof WecomArchiveConfig>;
