import { createHash } from 'node:crypto';

/*
 * Merkle tree hashing and proofs exactly as RFC 9162 §2.1 defines them (the same as RFC 6962): a
 * leaf is hashed with a 0x00 prefix and an interior node with 0x01, so a leaf can never pass for a
 * node. Ranges are half-open leaf index ranges [lo, hi).
 */

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const hashLeaf = (data: Buffer): Buffer => createHash('sha256').update(LEAF).update(data).digest();
export const hashNode = (left: Buffer, right: Buffer): Buffer => createHash('sha256').update(NODE).update(left).update(right).digest();
/** The hash of the empty tree (RFC 9162: SHA-256 of the empty string). */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The largest power of two strictly smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Gives the hash of the perfect, aligned subtree [lo, hi) (hi − lo a power of two, lo a multiple of it). */
export type PerfectNode = (lo: number, hi: number) => Promise<Buffer>;

/** MTH of [lo, hi) for any range a proof needs: perfect subtrees come from `node`, the ragged right edge is folded here. */
export async function rangeHash(node: PerfectNode, lo: number, hi: number): Promise<Buffer> {
  const n = hi - lo;
  if ((n & (n - 1)) === 0 && lo % n === 0) return node(lo, hi);
  const k = splitPoint(n);
  return hashNode(await rangeHash(node, lo, lo + k), await rangeHash(node, lo + k, hi));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf m in the tree of the first n leaves. */
export async function inclusionPath(node: PerfectNode, m: number, n: number): Promise<Buffer[]> {
  if (m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  const path: Buffer[] = [];
  let lo = 0;
  let hi = n;
  const siblings: Array<[number, number]> = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      siblings.push([lo, lo + k]);
      lo = lo + k;
    }
  }
  // PATH lists the deepest sibling first
  for (const [a, b] of siblings.reverse()) path.push(await rangeHash(node, a, b));
  return path;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof from the tree of m leaves to the tree of n (0 < m ≤ n). */
export async function consistencyPath(node: PerfectNode, m: number, n: number): Promise<Buffer[]> {
  if (m <= 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const out: Buffer[] = [];
  const sub = async (m2: number, lo: number, hi: number, complete: boolean): Promise<void> => {
    if (m2 === hi - lo) {
      if (!complete) out.push(await rangeHash(node, lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m2 <= k) {
      await sub(m2, lo, lo + k, complete);
      out.push(await rangeHash(node, lo + k, hi));
    } else {
      await sub(m2 - k, lo + k, hi, false);
      out.push(await rangeHash(node, lo, lo + k));
    }
  };
  await sub(m, 0, n, true);
  return out;
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` with hash `leafHash` in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leafHash: Buffer, path: Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashNode(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashNode(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `path` prove the tree of `first` leaves (firstRoot) is a prefix of the tree of `second` (secondRoot)? */
export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, path: Buffer[]): boolean {
  if (first < 0 || first > second) return false;
  if (first === 0) return path.length === 0; // the empty tree is a prefix of every tree
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (path.length === 0) return false;
  const proof = (first & (first - 1)) === 0 ? [firstRoot, ...path] : path;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashNode(c, fr);
      sr = hashNode(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashNode(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/**
 * The right edge of a growing tree: the roots of its perfect subtrees, largest first (the binary
 * decomposition of its size). Appending is amortised O(1); the root of the whole tree is the fold
 * from the right. It is all a writer or a verifier needs to keep in memory, however large the log.
 */
export class CompactRange {
  private readonly nodes: Array<{ height: number; hash: Buffer }> = [];
  size = 0;

  /** Appends a leaf hash (height 0) or an aligned perfect subtree of 2^height leaves. */
  push(hash: Buffer, height = 0): void {
    if (this.size % 2 ** height !== 0) throw new RangeError(`a subtree of height ${height} does not start at ${this.size}`);
    const last = this.nodes.at(-1);
    if (last && last.height < height) throw new RangeError(`a subtree of height ${height} cannot follow one of height ${last.height}`);
    this.nodes.push({ height, hash });
    this.size += 2 ** height;
    for (;;) {
      const b = this.nodes.at(-1)!;
      const a = this.nodes.at(-2);
      if (!a || a.height !== b.height) break;
      this.nodes.splice(-2, 2, { height: a.height + 1, hash: hashNode(a.hash, b.hash) });
    }
  }

  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let acc = this.nodes.at(-1)!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = hashNode(this.nodes[i].hash, acc);
    return acc;
  }
}

/** MTH of a list of leaf hashes held in memory (tests, tiles of 256). */
export function rootOf(leafHashes: Buffer[]): Buffer {
  const range = new CompactRange();
  for (const h of leafHashes) range.push(h);
  return range.root();
}
