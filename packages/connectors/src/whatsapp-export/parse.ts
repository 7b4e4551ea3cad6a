/**
 * The line grammar of WhatsApp's "Export chat" text, as the apps write it:
 *   Android  12/31/23, 9:41 PM - Name: text        31/12/2023, 21:41 - Name: text     31.12.23, 21:41 - …
 *   iOS      [31/12/2023, 21:41:05] Name: text     [12/31/23, 9:41:05 PM] Name: text
 * Newer app versions put a narrow no-break space (U+202F) before AM/PM and a left-to-right mark
 * (U+200E) before system and attachment lines.
 */

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface Header {
  /** The three date numbers in the order written. */
  fields: [number, number, number];
  /** The date as written, e.g. "05/01/24", for messages that cite it. */
  date: string;
  yearFirst: boolean;
  separator: string;
  hour: number;
  minute: number;
  second: number;
  meridiem?: 'am' | 'pm';
  /** Everything after the timestamp: "Name: text" or a system notice. */
  body: string;
}

const MARKS = '[\\u200e\\u200f\\ufeff]*';
const DATE = '(\\d{1,4})([./-])(\\d{1,2})\\2(\\d{1,4})\\.?';
const TIME = '(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?(?:[ \\u202f\\u00a0]?([AaPp])\\.?[ \\u202f\\u00a0]?[Mm]\\.?)?';
const ANDROID = new RegExp(`^${MARKS}${DATE},?[ \\u00a0]${TIME} [-–] ([\\s\\S]*)$`);
const IOS = new RegExp(`^${MARKS}\\[${DATE},?[ \\u00a0]${TIME}\\] ([\\s\\S]*)$`);
/**
 * Starts like a timestamp as the apps write it ("date, time") but is not a well-formed header: a
 * damaged line, not message text. Without the comma ("1.2.3 10:00 deployed") it stays text.
 */
const LOOKS_LIKE_HEADER = new RegExp(`^${MARKS}\\[?\\d{1,4}([./-])\\d{1,2}\\1\\d{2,4}\\.?,[ \\u00a0]\\d{1,2}[:.]\\d{2}`);

export type LineShape = { kind: 'header'; header: Header } | { kind: 'malformed' } | { kind: 'continuation' };

export function lineShape(text: string): LineShape {
  const m = ANDROID.exec(text) ?? IOS.exec(text);
  if (m) {
    const [, a, separator, b, c, hour, minute, second, meridiem, body] = m;
    return {
      kind: 'header',
      header: {
        fields: [Number(a), Number(b), Number(c)],
        date: `${a}${separator}${b}${separator}${c}`,
        yearFirst: a.length === 4,
        separator: separator,
        hour: Number(hour),
        minute: Number(minute),
        second: second ? Number(second) : 0,
        meridiem: meridiem ? (meridiem.toLowerCase() === 'a' ? 'am' : 'pm') : undefined,
        body: body,
      },
    };
  }
  return LOOKS_LIKE_HEADER.test(text) ? { kind: 'malformed' } : { kind: 'continuation' };
}

export interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The header's date and time as numbers, or a reason why they are not a valid time. */
export function wallTime(h: Header, order: DateOrder): WallParts | string {
  const [a, b, c] = h.fields;
  const [year, month, day] = h.yearFirst || order === 'ymd' ? [a, b, c] : order === 'dmy' ? [c, b, a] : [c, a, b];
  let hour = h.hour;
  if (h.meridiem) {
    if (hour < 1 || hour > 12) return `hour ${hour} is not a 12-hour clock hour`;
    hour = (hour % 12) + (h.meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || h.minute > 59 || h.second > 59) return `time ${h.hour}:${h.minute}:${h.second} is not a time of day`;
  // two-digit years: WhatsApp exists since 2009
  return { year: year < 100 ? 2000 + year : year, month, day, hour, minute: h.minute, second: h.second };
}

export type Body =
  | { kind: 'message'; sender: string; text: string; edited: boolean; media?: Media }
  | { kind: 'deletion'; sender: string; text: string }
  | { kind: 'system'; sender?: string; text: string };

export interface Media {
  /** File name as written; present when the export included the file. */
  fileName?: string;
  /** What the placeholder says the media was (image, video, …) when there is no file name. */
  omitted?: string;
  caption?: string;
}

const LRM = /^[\u200e\u200f]+/;
const EDITED = /[ \u00a0]*\u200e?<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje|Ce message a été modifié)>$/;
const DELETED =
  /^(?:This message was deleted|You deleted this message|Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht|Se eliminó este mensaje|Eliminaste este mensaje|Ce message a été supprimé|Vous avez supprimé ce message)\.?$/;
const FILE_ATTACHED = /^(.+?\.[A-Za-z0-9]{1,10}) \((?:file attached|Datei angehängt|archivo adjunto|fichier joint|arquivo anexado|file allegato)\)$/;
const IOS_ATTACHED = /^<(?:attached|Anhang|adjunto|allegato|pièce jointe|anexo) ?: ([^>]+)>/;
const MEDIA_OMITTED = /^<(?:Media omitted|Medien ausgeschlossen|Multimedia omitido|Médias omis|(.{1,60}) omitted)>$/;
const IOS_OMITTED = /^(image|video|audio|sticker|GIF|document|Contact card) omitted$/;
/** Android writes group events without a sender, but a few of them quote text that may hold ": ". */
const SYSTEM_WITH_COLON = / (?:changed the subject|changed the group description|changed this group's|changed the group name|created group) /;

/** Splits "Name: text" and recognises WhatsApp's placeholders and notices in the text. */
export function classifyBody(body: string): Body {
  const colon = body.indexOf(': ');
  const firstLineEnd = body.indexOf('\n');
  const named = colon > 0 && (firstLineEnd === -1 || colon < firstLineEnd) && !SYSTEM_WITH_COLON.test(body.slice(0, colon));
  if (!named) return { kind: 'system', text: body.replace(LRM, '') };
  const sender = body.slice(0, colon).replace(LRM, '').trim();
  const written = body.slice(colon + 2);
  const edited = EDITED.test(written);
  const text = written.replace(EDITED, '').replace(LRM, '');
  const [firstLine = '', ...rest] = text.split('\n');
  if (DELETED.test(firstLine.trim()) && rest.length === 0) return { kind: 'deletion', sender, text: firstLine.trim() };
  const media = mediaOf(firstLine, rest);
  if (media) return { kind: 'message', sender, text: media.caption ?? '', edited, media };
  // iOS marks its notices (calls, security codes, group events under the group's name) with U+200E
  if (LRM.test(written)) return { kind: 'system', sender, text };
  return { kind: 'message', sender, text, edited };
}

function mediaOf(firstLine: string, rest: string[]): Media | undefined {
  const caption = (extra: string) => [extra, ...rest].join('\n').trim() || undefined;
  const line = firstLine.replace(LRM, '');
  const attached = FILE_ATTACHED.exec(line);
  if (attached) return { fileName: attached[1], caption: caption('') };
  const ios = IOS_ATTACHED.exec(line);
  if (ios) return { fileName: ios[1].trim(), caption: caption(line.slice(ios[0].length)) };
  const omitted = MEDIA_OMITTED.exec(line.trim()) ?? IOS_OMITTED.exec(line.trim());
  if (omitted) return { omitted: (omitted[1] ?? 'media').toLowerCase(), caption: caption('') };
  return undefined;
}
