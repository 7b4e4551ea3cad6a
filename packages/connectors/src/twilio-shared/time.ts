import { RejectedInputError } from '@custody/errors';
import { vendorTime } from '@custody/connector-kit';

// Date.parse accepts almost anything ("2025", "1/2/3"); only Twilio's documented RFC 2822 shape goes through
const RFC2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC?)$/;

/** Twilio's RFC 2822 timestamps ("Mon, 16 Aug 2010 03:45:01 +0000") → ISO UTC, with the far-future guard. */
export function rfc2822Time(value: string, receivedAt: Date, field: string): string {
  if (!RFC2822.test(value)) throw new RejectedInputError('bad_timestamp', `${field}: "${value.slice(0, 40)}" is not an RFC 2822 date`);
  return vendorTime(Date.parse(value), 'ms', receivedAt, field);
}
