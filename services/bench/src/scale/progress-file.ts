import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reprobe } from './reprobe';
import type { ScaleRow } from './run';

/**
 * A scale run's progress, kept in its data directory so a run of hours (10 M records) survives the
 * end of the session that started it: `--dir <same>` continues where it stopped. The corpus is
 * deterministic for (total, endS), so replaying the deliveries already acknowledged rebuilds its
 * state exactly; only deliveries past `acked` are sent again.
 */
export interface ScaleProgress {
  sizes: number[];
  endS: number;
  /** Rows of the sizes already reached. */
  rows: ScaleRow[];
  /** The growth step under way, if any. */
  step?: {
    from: number;
    to: number;
    /** Deliveries of the step acknowledged, all of them before this one (a low-water mark). */
    acked: number;
    /** Records those deliveries carried. */
    records: number;
    /** Time spent ingesting this step in earlier processes. */
    activeMs: number;
    peakRssMb: number;
  };
  /** Later measurements of the finished archive (`--reprobe`). */
  reprobes?: Reprobe[];
}

const FILE = 'scale-bench.json';

export function readProgress(dir: string): ScaleProgress | null {
  const file = join(dir, FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScaleProgress) : null;
}

/** Replaced whole (write, then rename): a kill leaves the previous progress, never half of one. */
export function saveProgress(dir: string, progress: ScaleProgress): void {
  const file = join(dir, FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(progress));
  renameSync(`${file}.tmp`, file);
}
