import type { Attachment } from '@custody/envelope';
import { extname } from 'node:path';

type Kind = Attachment['kind'];

const BY_EXTENSION: Record<string, [Kind, string]> = {
  jpg: ['image', 'image/jpeg'],
  jpeg: ['image', 'image/jpeg'],
  png: ['image', 'image/png'],
  gif: ['image', 'image/gif'],
  heic: ['image', 'image/heic'],
  webp: ['sticker', 'image/webp'],
  mp4: ['video', 'video/mp4'],
  mov: ['video', 'video/quicktime'],
  '3gp': ['video', 'video/3gpp'],
  opus: ['voice', 'audio/ogg; codecs=opus'],
  ogg: ['audio', 'audio/ogg'],
  mp3: ['audio', 'audio/mpeg'],
  m4a: ['audio', 'audio/mp4'],
  aac: ['audio', 'audio/aac'],
  amr: ['audio', 'audio/amr'],
  pdf: ['document', 'application/pdf'],
  txt: ['document', 'text/plain'],
  csv: ['document', 'text/csv'],
  vcf: ['document', 'text/vcard'],
  doc: ['document', 'application/msword'],
  docx: ['document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xls: ['document', 'application/vnd.ms-excel'],
  xlsx: ['document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ppt: ['document', 'application/vnd.ms-powerpoint'],
  pptx: ['document', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  zip: ['document', 'application/zip'],
};

/** WhatsApp's own media names say what they are: IMG-/VID-/PTT-… on Android, 00000012-PHOTO-… on iOS. */
const BY_NAME: Array<[RegExp, Kind]> = [
  [/^(?:IMG-|\d+-PHOTO-)/i, 'image'],
  [/^(?:VID-|\d+-VIDEO-)/i, 'video'],
  [/^(?:PTT-|\d+-AUDIO-)/i, 'voice'],
  [/^AUD-/i, 'audio'],
  [/^(?:STK-|\d+-STICKER-)/i, 'sticker'],
  [/^(?:DOC-)/i, 'document'],
];

export function mediaKind(fileName: string): { kind: Kind; mimeType?: string } {
  const ext = extname(fileName).slice(1).toLowerCase();
  // own keys only: a file named "x.constructor" must not find Object.prototype
  const byExt = Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
  const byName = BY_NAME.find(([re]) => re.test(fileName))?.[1];
  return { kind: byName ?? byExt?.[0] ?? 'document', mimeType: byExt?.[1] };
}

/** "image omitted", "<Media omitted>", "<View once voice message omitted>": what kind, as far as the words tell. */
export function omittedKind(words: string): Kind {
  if (/image|photo/.test(words)) return 'image';
  if (/video|gif/.test(words)) return 'video';
  if (/voice/.test(words)) return 'voice';
  if (/audio/.test(words)) return 'audio';
  if (/sticker/.test(words)) return 'sticker';
  if (/document|contact/.test(words)) return 'document';
  return 'other';
}
