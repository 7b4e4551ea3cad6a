/**
 * What a spreadsheet may run as a formula: = + - @ (or their full-width forms), also after leading
 * whitespace, NBSP, zero-width or control characters, which spreadsheets skip; and a leading tab or CR.
 */
const FORMULA = /^[\s\u0000-\u001f\u007f\u00a0\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

/**
 * One RFC 4180 cell; a value a spreadsheet could run as a formula is prefixed with ' so it stays
 * text. Every CSV Custody writes (reports, load files) goes through this: its cells hold names,
 * reasons and titles that vendors and tenants supplied.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole RFC 4180 table (CRLF line ends), header row first, every cell through csvCell. */
export function csvTable<Row>(columns: ReadonlyArray<keyof Row & string>, rows: Iterable<Row>): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
