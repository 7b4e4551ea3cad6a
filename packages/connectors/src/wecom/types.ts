import { z } from 'zod';
import { secret } from '@custody/connector-kit';

// Fields of the decrypted callback XML (接收消息格式). All XML values are text; loose because WeCom
// adds fields (e.g. AppType) and the whole payload is archived in source.raw anyway.
const digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`), 'a string of digits');

export const WecomMessage = z.looseObject({
  ToUserName: z.string().min(1).max(128),
  FromUserName: z.string().min(1).max(256),
  CreateTime: digits(12),
  MsgType: z.string().min(1).max(64),
  MsgId: digits(20),
  AgentID: digits(20),
  Content: z.string().optional(),
  MediaId: z.string().min(1).max(512).optional(),
  PicUrl: z.string().optional(),
  Format: z.string().max(32).optional(),
  ThumbMediaId: z.string().optional(),
  Location_X: z
    .string()
    .regex(/^-?\d{1,3}(\.\d+)?$/, 'a latitude')
    .optional(),
  Location_Y: z
    .string()
    .regex(/^-?\d{1,3}(\.\d+)?$/, 'a longitude')
    .optional(),
  Scale: z.string().optional(),
  Label: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  Url: z.string().optional(),
});
export type WecomMessage = z.infer<typeof WecomMessage>;

/** What parse hands to normalize: the decrypted message fields, with the corp they were decrypted for. */
export interface WecomParsed {
  corpId: string;
  message: Record<string, string>;
}

export const WecomConfig = z
  .object({
    token: secret(z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'up to 32 letters and digits')).describe(
      'Callback Token from the app\'s "receive messages" settings: part of msg_signature',
    ),
    encodingAesKey: secret(z.string().regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits')).describe(
      'EncodingAESKey from the same settings: base64 of the 32-byte AES key',
    ),
    corpId: z.string().min(1).max(64).describe('CorpID: the receiveid every decrypted payload must carry'),
    corpSecret: secret(z.string().min(8))
      .optional()
      .describe('App Secret used to get an access_token for media downloads; without it attachments stay references'),
  })
  .strict();
export type WecomConfig = z.infer<typeof WecomConfig>;
