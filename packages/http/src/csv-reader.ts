/** One CSV record and the line of the file it starts on (1-based; a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file that is not RFC 4180 (`syntax`), or has more records than the reader was allowed (`too_many_records`). */
export class CsvError extends Error {
  constructor(
    readonly kind: 'syntax' | 'too_many_records',
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads RFC 4180 CSV strictly: fields separated by commas, records by CRLF or LF; a field that
 * holds a comma, quote or line break is quoted whole, its quotes doubled. Anything else that a
 * lenient reader would guess about is refused with the line it is on: a quote inside an unquoted
 * field, text after a closing quote, a quote never closed, a bare CR. A leading byte order mark
 * (spreadsheets write one) is skipped, and so are empty lines. Values are returned as written:
 * nothing is ever evaluated, so a cell like `=cmd()` is just text.
 */
export function readCsv(text: string, maxRecords: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  while (i < s.length) {
    if (s[i] === '\n' || (s[i] === '\r' && s[i + 1] === '\n')) {
      // an empty line holds no record
      i += s[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    if (records.length === maxRecords) throw new CsvError('too_many_records', line, `more than ${maxRecords} records`);
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (s[i] === '"') {
        const opened = line;
        let out = '';
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) throw new CsvError('syntax', opened, `line ${opened}: field ${fields.length + 1} opens a quote that is never closed`);
          out += s.slice(i, q);
          line += countNewlines(s, i, q);
          if (s[q + 1] === '"') {
            out += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r')
          throw new CsvError(
            'syntax',
            line,
            `line ${line}: field ${fields.length + 1} has text after its closing quote (double a quote inside a quoted field)`,
          );
        value = out;
      } else {
        let end = i;
        while (end < s.length && s[end] !== ',' && s[end] !== '\n' && s[end] !== '\r') end++;
        value = s.slice(i, end);
        if (value.includes('"'))
          throw new CsvError(
            'syntax',
            line,
            `line ${line}: field ${fields.length + 1} has a quote but is not quoted (quote the whole field and double the quote)`,
          );
        i = end;
      }
      fields.push(value);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '\r' && s[i + 1] !== '\n') throw new CsvError('syntax', line, `line ${line}: a carriage return not followed by a line feed`);
      if (i < s.length) {
        i += s[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) n++;
  return n;
}
