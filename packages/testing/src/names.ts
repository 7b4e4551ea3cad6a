import { randomBytes } from 'node:crypto';

/** A unique suffix per test: its own topics, bucket and index, so tests never see each other's records. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
