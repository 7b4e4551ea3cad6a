import { RejectedInputError } from '@custody/errors';
import type { DateOrder, Header } from './parse';

/** The two orders a date like 05/01/24 can be written in; year-first dates are never ambiguous. */
export type DayMonthOrder = 'dmy' | 'mdy';

interface Sighting {
  lineNo: number;
  /** The header's date as written. */
  date: string;
}

interface AttachmentSighting extends Sighting {
  fileName: string;
  /** The date in the file name, YYYY-MM-DD. */
  named: string;
}

const ORDER_NAME: Record<DayMonthOrder, string> = { dmy: 'day first', mdy: 'month first' };
const CHOOSE = 'pass --date-order dmy (day first) or --date-order mdy (month first)';

/**
 * Android names media after the day it saved them (IMG-20240105-WA0001.jpg, also VID-, AUD-, PTT-,
 * DOC-, STK-); iOS after the instant (00000012-PHOTO-2024-01-05-10-00-00.jpg).
 */
const ANDROID_MEDIA = /^(?:IMG|VID|AUD|PTT|DOC|STK)-(\d{4})(\d{2})(\d{2})-WA\d+/i;
const IOS_MEDIA = /^\d+-[A-Z]+-(\d{4})-(\d{2})-(\d{2})-\d{2}-\d{2}-\d{2}/;

export function attachmentDate(fileName: string): { year: number; month: number; day: number } | undefined {
  const m = ANDROID_MEDIA.exec(fileName) ?? IOS_MEDIA.exec(fileName);
  if (!m) return undefined;
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { year, month, day } : undefined;
}

/**
 * Collects, over one pass of the whole file, what tells day-first from month-first dates: a first
 * number above 12 can only be a day (and a second one only a day in month-first dates); an
 * attachment named after its date confirms whichever reading of its message's date it matches.
 * Keeps the first sighting of each kind only, so memory stays bounded whatever the file's size.
 */
export class DateOrderEvidence {
  private yearFirst = false;
  private seen = false;
  private readonly definite: Partial<Record<DayMonthOrder, Sighting>> = {};
  private readonly byAttachment: Partial<Record<DayMonthOrder, AttachmentSighting>> = {};
  /** The first date that reads differently day first and month first. */
  private ambiguous?: Sighting;

  add(h: Header, lineNo: number, fileName?: string): void {
    if (!this.seen) this.yearFirst = h.yearFirst;
    this.seen = true;
    if (h.yearFirst) return;
    const [a, b, c] = h.fields;
    const at = { lineNo, date: h.date };
    if (a > 12 && b <= 12) this.definite.dmy ??= at;
    if (b > 12 && a <= 12) this.definite.mdy ??= at;
    if (a === b || a > 12 || b > 12) return;
    this.ambiguous ??= at;
    const named = fileName === undefined ? undefined : attachmentDate(fileName);
    if (!fileName || !named) return;
    const year = c < 100 ? 2000 + c : c;
    if (named.year !== year) return;
    // a file downloaded after its message was sent is named after the later day and matches neither reading
    const fits = (['dmy', 'mdy'] as const).filter((o) => (o === 'dmy' ? [b, a] : [a, b]).join('-') === `${named.month}-${named.day}`);
    if (fits.length === 1) this.byAttachment[fits[0]] ??= { ...at, fileName, named: iso(named.year, named.month, named.day) };
  }

  /**
   * The file's date order. `given` (--date-order) is taken as is: a line impossible under it is
   * rejected on its own (bad_date). Otherwise the file must decide, consistently, or it is refused.
   */
  decide(given: DayMonthOrder | undefined): DateOrder {
    if (this.yearFirst) return 'ymd';
    if (given) return given;
    const { dmy, mdy } = this.definite;
    if (dmy && mdy) {
      throw new RejectedInputError(
        'date_order_conflict',
        `whatsapp-export: line ${dmy.lineNo} writes ${dmy.date} (possible only day first) but line ${mdy.lineNo} writes ${mdy.date} (possible only month first); ${CHOOSE}: lines impossible under it are rejected one by one`,
      );
    }
    const decided: DayMonthOrder | undefined = dmy ? 'dmy' : mdy ? 'mdy' : undefined;
    if (decided) {
      const other = decided === 'dmy' ? 'mdy' : 'dmy';
      const against = this.byAttachment[other];
      if (against) {
        const by = this.definite[decided]!;
        throw new RejectedInputError(
          'date_order_contradiction',
          `whatsapp-export: line ${by.lineNo} writes ${by.date}, so dates are ${ORDER_NAME[decided]}, but line ${against.lineNo} (${against.date}) has attachment ${against.fileName}, dated ${against.named}, which fits its date only ${ORDER_NAME[other]}; ${CHOOSE}`,
        );
      }
      return decided;
    }
    const { dmy: byDmy, mdy: byMdy } = this.byAttachment;
    if (byDmy && byMdy) {
      throw new RejectedInputError(
        'date_order_conflict',
        `whatsapp-export: attachment ${byDmy.fileName} (line ${byDmy.lineNo}, ${byDmy.date}) fits its date only day first, but ${byMdy.fileName} (line ${byMdy.lineNo}, ${byMdy.date}) only month first; ${CHOOSE}`,
      );
    }
    if (byDmy || byMdy) return byDmy ? 'dmy' : 'mdy';
    if (this.ambiguous) {
      const [a, b, c] = this.ambiguous.date.split(/\D/).map(Number) as [number, number, number];
      const year = c < 100 ? 2000 + c : c;
      throw new RejectedInputError(
        'date_order_ambiguous',
        `whatsapp-export: line ${this.ambiguous.lineNo} writes ${this.ambiguous.date}, which is ${iso(year, b, a)} day first or ${iso(year, a, b)} month first, and no date in the file has a day above 12, nor an attachment named after its date (IMG-YYYYMMDD-WA…), to tell; ${CHOOSE}`,
      );
    }
    // every date in the file reads the same either way (or there is none)
    return 'dmy';
  }
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
