import { createHash } from 'node:crypto';

/**
 * A seeded pseudo-random generator for the corpus and its bootstrap: sfc32 (a small, fast counter
 * generator that passes PractRand) on 32-bit integer arithmetic only, so the same seed gives the
 * same numbers on every machine and Node version. Its state comes from SHA-256 of the seed text,
 * which spreads nearby seeds ("7:1", "7:2") over unrelated streams. Not for anything secret.
 */
export class CorpusPrng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    const digest = createHash('sha256').update(String(seed), 'utf8').digest();
    this.a = digest.readUInt32BE(0);
    this.b = digest.readUInt32BE(4);
    this.c = digest.readUInt32BE(8);
    this.d = digest.readUInt32BE(12);
    // the generator's authors discard the first outputs, which still carry the seed's structure
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)];
  }

  /** One key of `weights`, each drawn in proportion to its weight (keys in their written order). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let u = this.next() * total;
    for (const [key, weight] of entries) {
      if (u < weight) return key;
      u -= weight;
    }
    return entries[entries.length - 1][0];
  }
}
