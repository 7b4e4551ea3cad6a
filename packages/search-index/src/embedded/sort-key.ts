/**
 * Every document's SQLite rowid (in the documents table, the full-text table and the value table
 * alike) is its sort key: sentAt in epoch milliseconds times 2^15, plus a slot among the documents
 * sent in the same millisecond. Rowid order is then sentAt order, so every query walks its index in
 * the order hits are returned and stops after a page, a date range is a rowid range that FTS5 and
 * the B-trees seek to, and a common word with a date filter never reads postings outside the range.
 * Within one millisecond the slot is arrival order, not id order: search re-sorts that one
 * millisecond by id (see EmbeddedIndex.page).
 *
 * The keys exceed 2^53, so they are BigInts (better-sqlite3's safeIntegers). Dates the index accepts
 * have four-digit years, |ms| < 2^48, so ms × 2^15 + slot stays inside SQLite's signed 64 bits.
 */
export const SLOTS_PER_MILLISECOND = 1n << 15n;

/** The first key of the millisecond `ms`. */
export function keyOf(ms: number): bigint {
  return BigInt(ms) * SLOTS_PER_MILLISECOND;
}

/** The first key after every key of the millisecond `ms`. */
export function keyAfter(ms: number): bigint {
  return keyOf(ms) + SLOTS_PER_MILLISECOND;
}
